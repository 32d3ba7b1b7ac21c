/**
 * Sign-ins per CPU-second of httpFloorServer.ts (the same five requests, same client, one P-256
 * verification, nothing else): the ceiling any Node portal on this HTTP stack could reach, beside
 * which the portal's own figure shows how much is the portal's work and how much is HTTP.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CookieJarFetch } from '../../dev/CookieJarFetch.js';
import { cpuSeconds } from './measurePortalSignIns.js';

const HERE = new URL('.', import.meta.url).pathname;

export async function measureHttpFloor(
  n: number,
  concurrency: number,
): Promise<{ signIns: number; cpuSeconds: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'httpFloorServer.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`floor server exited with ${code}`)));
    });
    const origin = `http://localhost:${port}`;
    const once = async () => {
      const client = new CookieJarFetch(origin);
      await client.request('/signin');
      await client.request('/signin', { form: { _csrf: 'x', email: 'a@b.test' } });
      await client.request('/api/webauthn/authentication/options', { json: {} });
      const v = await client.request('/api/webauthn/authentication/verify', { json: { credential: 'x'.repeat(900) } });
      if (v.status !== 200) throw new Error(`floor verify: ${v.status}`);
    };
    for (let i = 0; i < 50; i++) await once();
    const cpu0 = cpuSeconds(child.pid!);
    let started = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (started < n) {
          started++;
          await once();
        }
      }),
    );
    return { signIns: n, cpuSeconds: cpuSeconds(child.pid!) - cpu0 };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}
