/**
 * Registers the page bridge content script for exactly the configured origins (portal and SSO
 * login origins, local or managed), with `scripting.registerContentScripts`: a page on any
 * other origin never gets it, so the content script needs no "may I serve this page?" round
 * trip to the worker before it announces itself (the worker still checks every request's origin).
 * Re-run whenever settings or policy change; calls are serialised so two changes cannot race to
 * register the same id. Tabs already open on a newly added origin get the script injected once.
 */
import type { EffectiveSettings } from '../settings/settingsSchema.js';

export const BRIDGE_SCRIPT_ID = 'keybound-page-bridge';

interface RegisteredScript {
  id: string;
  js?: string[];
  matches?: string[];
  runAt?: 'document_start' | 'document_end' | 'document_idle';
  allFrames?: boolean;
  persistAcrossSessions?: boolean;
}

/** The part of `chrome.scripting` and `chrome.tabs` this uses. */
export interface ScriptingApi {
  getRegisteredContentScripts(filter: { ids: string[] }): Promise<RegisteredScript[]>;
  registerContentScripts(scripts: RegisteredScript[]): Promise<void>;
  updateContentScripts(scripts: RegisteredScript[]): Promise<void>;
  unregisterContentScripts(filter: { ids: string[] }): Promise<void>;
  injectIntoOpenTabs?(matches: string[], file: string): Promise<void>;
}

/** `https://portal.example.com` → `https://portal.example.com/*` (ports are part of a match pattern). */
export function contentScriptMatches(settings: Pick<EffectiveSettings, 'portalOrigins' | 'ssoLoginOrigins'>): string[] {
  return [...new Set([...settings.portalOrigins, ...settings.ssoLoginOrigins])].sort().map((o) => `${o}/*`);
}

const same = (a: readonly string[] = [], b: readonly string[] = []) =>
  a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);

/** Returns a function that brings the registration in line with the given settings. */
export function contentScriptSync(
  api: ScriptingApi,
  file: string,
  log: (event: string, fields: { code: string }) => void,
) {
  let queue: Promise<void> = Promise.resolve();
  const apply = async (matches: string[]) => {
    const [existing] = await api.getRegisteredContentScripts({ ids: [BRIDGE_SCRIPT_ID] });
    if (matches.length === 0) {
      if (existing) await api.unregisterContentScripts({ ids: [BRIDGE_SCRIPT_ID] });
      return;
    }
    const script: RegisteredScript = {
      id: BRIDGE_SCRIPT_ID,
      js: [file],
      matches,
      runAt: 'document_start',
      allFrames: false,
      persistAcrossSessions: true,
    };
    if (!existing) await api.registerContentScripts([script]);
    else if (!same(existing.matches, matches) || !same(existing.js, [file])) await api.updateContentScripts([script]);
    else return;
    const added = matches.filter((m) => !existing?.matches?.includes(m));
    if (added.length > 0) await api.injectIntoOpenTabs?.(added, file);
  };
  return (settings: Pick<EffectiveSettings, 'portalOrigins' | 'ssoLoginOrigins'>): Promise<void> => {
    const matches = contentScriptMatches(settings);
    queue = queue.then(() => apply(matches)).catch(() => log('content_scripts.sync_failed', { code: 'ERR_INTERNAL' }));
    return queue;
  };
}
