import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordDaemonPort } from './recordDaemonPort.js';
import { resolveDaemonPort } from './resolveDaemonPort.js';

describe('resolveDaemonPort', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-port-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should pick a free port when nothing is configured or recorded', async () => {
    expect(await resolveDaemonPort({ dataDir: dir })).toEqual({ port: 0, source: 'picked' });
  });

  it('should use --port as given, before config.json and the recorded port', async () => {
    await writeFile(join(dir, 'config.json'), JSON.stringify({ port: 41000 }));
    await recordDaemonPort(dir, 42000);
    expect(await resolveDaemonPort({ dataDir: dir, flag: 0 })).toEqual({ port: 0, source: 'flag' });
    expect(await resolveDaemonPort({ dataDir: dir, flag: 43000 })).toEqual({ port: 43000, source: 'flag' });
    expect(await resolveDaemonPort({ dataDir: dir })).toEqual({ port: 41000, source: 'config' });
  });

  it('should reuse the recorded port, written atomically with mode 0600', async () => {
    await recordDaemonPort(dir, 42001);
    expect(await readFile(join(dir, 'port'), 'utf8')).toBe('42001\n');
    expect((await stat(join(dir, 'port'))).mode & 0o777).toBe(0o600);
    expect(await resolveDaemonPort({ dataDir: dir })).toEqual({ port: 42001, source: 'recorded' });
  });

  it('should replace a damaged port file instead of failing (it only remembers an earlier pick)', async () => {
    for (const bad of ['', 'abc', '70000\n', '0\n', '123 456', '-1']) {
      await writeFile(join(dir, 'port'), bad);
      const r = await resolveDaemonPort({ dataDir: dir });
      expect(r).toMatchObject({ port: 0, source: 'picked', ignored: expect.stringContaining('not a port number') });
    }
  });

  it('should refuse a config.json whose port is not a port number, naming the file', async () => {
    await writeFile(join(dir, 'config.json'), JSON.stringify({ port: 70000 }));
    await expect(resolveDaemonPort({ dataDir: dir })).rejects.toThrow(/config\.json/);
  });

  it('should refuse to record something that is not a port', async () => {
    await expect(recordDaemonPort(dir, 0)).rejects.toThrow(TypeError);
  });
});
