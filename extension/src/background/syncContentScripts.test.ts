import { describe, expect, it } from 'vitest';
import { BRIDGE_SCRIPT_ID, contentScriptMatches, contentScriptSync, type ScriptingApi } from './syncContentScripts.js';

function fakeScripting() {
  const registered = new Map<string, { id: string; js?: string[]; matches?: string[] }>();
  const calls: string[] = [];
  const injected: string[][] = [];
  const api: ScriptingApi = {
    getRegisteredContentScripts: async ({ ids }) =>
      ids.flatMap((id) => (registered.has(id) ? [registered.get(id)!] : [])),
    registerContentScripts: async (scripts) => {
      for (const s of scripts) {
        if (registered.has(s.id)) throw new Error('Duplicate script ID');
        registered.set(s.id, s);
      }
      calls.push('register');
    },
    updateContentScripts: async (scripts) => {
      for (const s of scripts) registered.set(s.id, s);
      calls.push('update');
    },
    unregisterContentScripts: async ({ ids }) => {
      for (const id of ids) registered.delete(id);
      calls.push('unregister');
    },
    injectIntoOpenTabs: async (matches) => {
      injected.push(matches);
    },
  };
  return { api, registered, calls, injected };
}

const settings = (portalOrigins: string[], ssoLoginOrigins: string[] = []) => ({ portalOrigins, ssoLoginOrigins });

describe('contentScriptSync', () => {
  it('should match exactly the configured origins, ports included', () => {
    expect(contentScriptMatches(settings(['http://localhost:8080'], ['https://login.example.com']))).toEqual([
      'http://localhost:8080/*',
      'https://login.example.com/*',
    ]);
  });

  it('should register once, update on change, inject only new origins, and unregister when none is left', async () => {
    const f = fakeScripting();
    const sync = contentScriptSync(f.api, 'bridge.js', () => {});
    await Promise.all([sync(settings(['https://a.example'])), sync(settings(['https://a.example']))]);
    expect(f.calls).toEqual(['register']);
    expect(f.injected).toEqual([['https://a.example/*']]);
    await sync(settings(['https://a.example', 'https://b.example']));
    expect(f.registered.get(BRIDGE_SCRIPT_ID)?.matches).toEqual(['https://a.example/*', 'https://b.example/*']);
    expect(f.injected.at(-1)).toEqual(['https://b.example/*']);
    await sync(settings([]));
    expect(f.registered.size).toBe(0);
    expect(f.calls).toEqual(['register', 'update', 'unregister']);
  });
});
