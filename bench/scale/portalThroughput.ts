/**
 * The portal's verified device sign-ins per second on one core. The portal is the real
 * `keybound portal` process (bin/keybound.js → dist/), so its CPU time can be read from /proc and
 * the figure is sign-ins per portal CPU-second — one core's worth — whatever the client costs.
 * The client side (a cookie-jar fetch, and SoftwareAuthenticator signing in place of extension +
 * daemon) runs in this process, outside the measured portal.
 *
 * One sign-in is the whole journey the continue page drives: GET /signin, POST the email, POST
 * /api/webauthn/authentication/options, sign, POST /api/webauthn/authentication/verify.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CookieJarFetch, csrfOf } from '../../dev/CookieJarFetch.js';
import { SoftwareAuthenticator } from '../../dev/softwareAuthenticator.js';
import { addUser, newEnrollmentToken } from '../../portal/src/admin/adminActions.js';
import { openDatabase } from '../../portal/src/db/openDatabase.js';
import { oidcMigrations } from '../../portal/src/oidc/oidcMigrations.js';
import type { CreationOptionsJSON, RequestOptionsJSON } from '../../shared/protocol/webauthnJson.js';
import { type BenchContext, ms, type Verdict } from '../lib/Benchmark.js';
import { buildNode } from '../lib/buildNode.js';
import { printTable, summarize } from '../lib/stats.js';

const ROOT = new URL('../..', import.meta.url).pathname;
/** Linux reports process CPU time in clock ticks; 100 per second on every common kernel config. */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of `pid` so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

async function spawnPortal(dbFile: string, logFile: string) {
  const err = openSync(logFile, 'a');
  const child = spawn(process.execPath, [join(ROOT, 'bin/keybound.js'), 'portal', '--port', '0', '--db', dbFile], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', err],
  });
  closeSync(err);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('portal not listening after 15 s')), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /keybound portal listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`portal exited with ${code}: ${readFileSync(logFile, 'utf8').slice(-400)}`));
    });
  });
  return {
    pid: child.pid!,
    origin: `http://localhost:${port}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Sets up a user with a registered software device; returns what a sign-in needs. */
async function setUp(origin: string, email: string, password: string, token: string) {
  const device = new SoftwareAuthenticator();
  const publicKey = await device.enrollIdentity();
  const res = await fetch(`${origin}/api/devices/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token,
      publicKey,
      enrollmentType: 'desktop-agent',
      platform: 'linux',
      name: 'bench device',
    }),
  });
  if (res.status !== 201) throw new Error(`enroll: ${res.status} ${await res.text()}`);
  device.deviceId = ((await res.json()) as { deviceId: string }).deviceId;
  const client = new CookieJarFetch(origin);
  const page = await client.request('/signin');
  await client.request('/signin', { form: { _csrf: csrfOf(page.body), email } });
  const pw = await client.request('/signin/password');
  await client.request('/signin/password', { form: { _csrf: csrfOf(pw.body), password } });
  const csrf = csrfOf((await client.request('/signin/finish')).body);
  const opt = await client.request('/api/webauthn/registration/options', {
    json: {},
    headers: { 'x-csrf-token': csrf },
  });
  if (opt.status !== 200) throw new Error(`registration options: ${opt.status} ${opt.body}`);
  const { options } = opt.json<{ options: CreationOptionsJSON }>();
  const result = await device.register(origin, options);
  const done = await client.request('/api/webauthn/registration/verify', {
    json: result,
    headers: { 'x-csrf-token': csrf },
  });
  if (done.status >= 300) throw new Error(`registration verify: ${done.status} ${done.body}`);
  return device;
}

/** One device sign-in; returns the ms spent signing (client side, not the portal's). */
async function signInOnce(origin: string, device: SoftwareAuthenticator, email: string): Promise<number> {
  const client = new CookieJarFetch(origin);
  const page = await client.request('/signin');
  const cont = await client.request('/signin', { form: { _csrf: csrfOf(page.body), email } });
  const csrf = csrfOf(cont.body);
  const res = await client.request('/api/webauthn/authentication/options', {
    json: {},
    headers: { 'x-csrf-token': csrf },
  });
  if (res.status !== 200) throw new Error(`authentication options: ${res.status} ${res.body}`);
  const { options } = res.json<{ options: RequestOptionsJSON }>();
  const t0 = performance.now();
  const { credential } = await device.signIn(origin, options);
  const signMs = performance.now() - t0;
  const verify = await client.request('/api/webauthn/authentication/verify', {
    json: { credential },
    headers: { 'x-csrf-token': csrf },
  });
  if (verify.status !== 200) throw new Error(`authentication verify: ${verify.status} ${verify.body}`);
  return signMs;
}

export async function measurePortalThroughput(ctx: BenchContext): Promise<Verdict[]> {
  const n = ctx.quick ? 20 : 1_000;
  const concurrency = ctx.quick ? 2 : 8;
  const dir = await mkdtemp(join(tmpdir(), 'kb-portal-'));
  try {
    ctx.progress('scale: portal set-up');
    buildNode();
    const dbFile = join(dir, 'portal.sqlite');
    const users = Array.from({ length: concurrency }, (_, i) => ({
      email: `bench${i}@acme.test`,
      password: `pw bench ${i} long enough`,
    }));
    const db = await openDatabase(dbFile, { extraMigrations: oidcMigrations, now: Date.now() });
    // Enrollment tokens are single-use: one per device.
    const tokens: string[] = [];
    try {
      for (const u of users) {
        await addUser(db, Date.now(), { email: u.email, password: u.password, mfa: false });
        tokens.push((await newEnrollmentToken(db, Date.now())).token);
      }
    } finally {
      await db.close();
    }
    const portal = await spawnPortal(dbFile, join(dir, 'portal.log'));
    try {
      const devices: SoftwareAuthenticator[] = [];
      for (const [i, u] of users.entries()) devices.push(await setUp(portal.origin, u.email, u.password, tokens[i]!));
      for (let i = 0; i < concurrency; i++) await signInOnce(portal.origin, devices[i]!, users[i]!.email);
      ctx.progress(`scale: ${n} portal sign-ins, ${concurrency} at a time`);
      const lat: number[] = [];
      let signMs = 0;
      const cpu0 = cpuSeconds(portal.pid);
      const t0 = performance.now();
      let next = 0;
      await Promise.all(
        users.map(async (u, i) => {
          while (next < n) {
            next++;
            const s = performance.now();
            const signed = await signInOnce(portal.origin, devices[i]!, u.email);
            signMs += signed;
            lat.push(performance.now() - s - signed);
          }
        }),
      );
      const wallMs = performance.now() - t0;
      const cpu = cpuSeconds(portal.pid) - cpu0;
      const perCore = lat.length / cpu;
      const s = summarize(lat, wallMs);
      printTable(
        `Portal: complete device sign-ins (4 HTTP requests + verification), ${concurrency} clients`,
        [
          'n',
          'portal CPU s',
          'sign-ins per portal CPU-second (one core)',
          'wall sign-ins/s',
          'p50 ms (portal part)',
          'p99 ms',
        ],
        [[s.n, cpu.toFixed(2), Math.round(perCore), Math.round(s.throughput), ms(s.p50), ms(s.p99)]],
      );
      process.stdout.write(
        `\nClient-side signing (SoftwareAuthenticator, not the portal): ${ms(signMs / lat.length)} ms per sign-in on average, excluded from the latencies.\n`,
      );
      return [
        {
          label: 'portal verified sign-ins per core',
          value: `${Math.round(perCore)}/s`,
          target: 'none set (informational)',
          met: undefined,
        },
      ];
    } finally {
      await portal.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
