/**
 * `keybound extension pack` and `keybound portal --extension-dir` as processes: pack the built
 * extension, serve it, and fetch exactly the two files a browser's policy install asks for.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureExtensionBuilt, REPO_ROOT } from '../../dev/buildExtension.js';

const run = promisify(execFile);
const keybound = (args: string[]) => ['--import', 'tsx', join(REPO_ROOT, 'dev/cliEntry.ts'), ...args];

/** Starts `keybound portal` and resolves to its origin once it printed its ready line. */
async function startPortalProcess(args: string[]): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, keybound(['portal', '--port', '0', ...args]), {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`portal did not start in 60 s: ${stderr}`)), 60_000);
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(`http://localhost:${m[1]}`);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`portal exited (${code}): ${stderr}`));
    });
  });
  return { child, origin };
}

describe('keybound extension pack + portal --extension-dir', () => {
  let dir: string;
  let portal: { child: ChildProcess; origin: string } | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keybound-pack-cli-'));
  });

  afterAll(async () => {
    if (portal && portal.child.exitCode === null) portal.child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  it('should pack with a new key, print the id, and have the portal serve both files', async () => {
    const out = join(dir, 'served');
    portal = await startPortalProcess(['--db', join(dir, 'p.sqlite'), '--extension-dir', out]);
    const before = await fetch(`${portal.origin}/extension/updates.xml`);
    expect(before.status).toBe(404);

    const { stdout } = await run(
      process.execPath,
      keybound([
        'extension',
        'pack',
        '--from',
        await ensureExtensionBuilt(),
        '--key',
        join(dir, 'key.pem'),
        '--new-key',
        '--out',
        out,
        '--base-url',
        `${portal.origin}/extension`,
      ]),
      { cwd: REPO_ROOT },
    );
    const id = /^id\s+([a-p]{32})$/m.exec(stdout)?.[1];
    expect(id).toBeDefined();
    expect(stdout).toMatch(/^created\s+signing key/m);
    expect(stdout).toContain(`update    ${portal.origin}/extension/updates.xml`);

    const xml = await fetch(`${portal.origin}/extension/updates.xml`);
    expect(xml.status).toBe(200);
    expect(xml.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(await xml.text()).toContain(`<app appid="${id}">`);
    const crx = await fetch(`${portal.origin}/extension/keybound.crx`);
    expect(crx.headers.get('content-type')).toBe('application/x-chrome-extension');
    expect(Buffer.from(await crx.arrayBuffer()).equals(await readFile(join(out, 'keybound.crx')))).toBe(true);
  }, 120_000);

  it('should serve nothing else from the folder', async () => {
    if (!portal) throw new Error('the first test starts the portal');
    await writeFile(join(dir, 'served', 'secret.txt'), 'not for browsers');
    for (const path of ['/extension/secret.txt', '/extension/../served/secret.txt', '/extension/%2e%2e/p.sqlite']) {
      const res = await fetch(`${portal.origin}${path}`);
      expect(res.status, path).not.toBe(200);
      expect(await res.text()).not.toContain('not for browsers');
    }
  });

  it('should refuse a pack without a key and say how to make one', async () => {
    const failed = await run(
      process.execPath,
      keybound([
        'extension',
        'pack',
        '--from',
        await ensureExtensionBuilt(),
        '--key',
        join(dir, 'none.pem'),
        '--out',
        dir,
        '--base-url',
        'https://x.example/ext',
      ]),
      { cwd: REPO_ROOT },
    ).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('error ERR_SIGNING_KEY_INVALID');
    expect(failed?.stderr).toContain('--new-key');
  }, 60_000);
});
