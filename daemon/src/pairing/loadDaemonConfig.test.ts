import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDaemonConfig } from './loadDaemonConfig.js';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kb-config-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('loadDaemonConfig', () => {
  it('should use the flags alone when there is no config.json', async () => {
    const policy = await loadDaemonConfig({ dataDir, allowExtensions: [A] });
    expect([...policy.allowedExtensionIds]).toEqual([A]);
    expect(policy.preauthorizedIds.size).toBe(0);
  });

  it('should merge config.json and pre-authorise only listed, allowed ids', async () => {
    await writeFile(
      join(dataDir, 'config.json'),
      JSON.stringify({ allowExtensions: [B], preauthorizePairing: [B, 'c'.repeat(32)] }),
    );
    const policy = await loadDaemonConfig({ dataDir, allowExtensions: [A] });
    expect([...policy.allowedExtensionIds].sort()).toEqual([A, B]);
    expect([...policy.preauthorizedIds]).toEqual([B]);
  });

  it('should pre-authorise every allowed id when the flag is set', async () => {
    const policy = await loadDaemonConfig({ dataDir, allowExtensions: [A, B], preauthorizePairing: true });
    expect(policy.preauthorizedIds.size).toBe(2);
  });

  it.each([
    ['malformed JSON', '{'],
    ['an unknown key', JSON.stringify({ allowExtension: [A] })],
    ['a bad extension id', JSON.stringify({ allowExtensions: ['https://evil.example'] })],
  ])('should refuse to start when config.json has %s', async (_name, text) => {
    await writeFile(join(dataDir, 'config.json'), text);
    await expect(loadDaemonConfig({ dataDir })).rejects.toThrow(/config\.json/);
  });

  it('should refuse a malformed --allow-extension id', async () => {
    await expect(loadDaemonConfig({ dataDir, allowExtensions: ['nope'] })).rejects.toThrow(/--allow-extension/);
  });
});
