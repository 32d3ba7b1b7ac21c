/**
 * `keybound install` then `keybound doctor` on a clean Linux user (a fresh HOME): install writes
 * the data dir (0700), a systemd user unit that `systemd-analyze verify` accepts, and a native-
 * messaging host manifest that real Chromium reads back (a probe extension reaches the daemon
 * through it); a second install changes nothing. The daemon runs from the unit's own ExecStart
 * (no systemd user session here), and doctor reports every link green. Then each link is broken
 * in turn and doctor names it on its own line with its own exit code.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlCall } from '../../daemon/src/control/controlClient.js';
import { type DoctorOptions, runDoctor } from '../../daemon/src/doctor/runDoctor.js';
import { extensionIdFromSpki } from '../../deploy/src/pack/extensionIdFromSpki.js';
import { buildExtensionPolicy } from '../../deploy/src/policy/buildExtensionPolicy.js';
import { linuxPolicyJson } from '../../deploy/src/policy/linuxPolicyJson.js';
import { CHROMIUM_PATH } from '../../dev/browser.js';
import { REPO_ROOT } from '../../dev/buildExtension.js';
import { type DevPortal, startDevPortal } from '../../dev/startDevPortal.js';

const exec = promisify(execFile);
const HOST = 'dev.keybound.native_host';

describe('keybound install + doctor on a clean Linux user', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  let unitPath: string;
  let policyDir: string;
  let agentState: string;
  let daemonPort: number;
  let probeId: string;
  let probeKey: string;
  let daemon: ChildProcess | undefined;
  let dev: DevPortal;
  let skewedDev: DevPortal;
  let portal: { origin: string };
  let skewedPortal: { origin: string };

  const keybound = (args: string[]) =>
    exec(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'dev/cliEntry.ts'), ...args], {
      cwd: REPO_ROOT,
      env,
    });

  /** Starts the daemon exactly as the unit's ExecStart says (systemd would). */
  async function startFromUnit(): Promise<void> {
    const line = (await readFile(unitPath, 'utf8')).split('\n').find((l) => l.startsWith('ExecStart='));
    const argv = [...(line ?? '').slice('ExecStart='.length).matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] ?? '');
    const [program = '', ...args] = argv;
    const child = spawn(program, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    daemon = child;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2_000);
    });
    for (let i = 0; i < 300; i++) {
      if (
        await controlCall(dataDir, { op: 'status' }, 2_000).then(
          () => true,
          () => false,
        )
      ) {
        // No --daemon-port: the daemon picked this user's port and recorded it (decision 0041).
        daemonPort = Number((await readFile(join(dataDir, 'port'), 'utf8')).trim());
        return;
      }
      if (child.exitCode !== null) throw new Error(`the daemon from ExecStart exited (${child.exitCode}): ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the daemon from ExecStart did not answer within 60 s');
  }

  async function stopDaemon(): Promise<void> {
    const child = daemon;
    daemon = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  async function doctor(extra: Partial<DoctorOptions> = {}, envExtra: NodeJS.ProcessEnv = {}) {
    let text = '';
    const code = await runDoctor(
      { dataDir, portal: portal.origin, extensionId: [probeId], policyDir: [policyDir], ...extra },
      (t) => {
        text += t;
      },
      { env: { ...env, ...envExtra }, platform: 'linux' },
    );
    return { code, text };
  }

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'keybound-install-home-'));
    dataDir = join(home, '.local/share/keybound');
    agentState = join(home, 'agent-enrollment.json');
    policyDir = join(home, 'policies');
    await mkdir(join(home, '.config/chromium'), { recursive: true });
    await writeFile(agentState, JSON.stringify({ enrolled: true, organisation: 'Example Organisation' }));
    env = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local/share'),
      XDG_RUNTIME_DIR: join(home, 'run'),
      KEYBOUND_AGENT_STATE: agentState,
      KEYBOUND_LOG_LEVEL: 'warn',
    };
    unitPath = join(home, '.config/systemd/user/keybound-daemon.service');
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    probeKey = spki.toString('base64');
    probeId = extensionIdFromSpki(spki);
    dev = await startDevPortal();
    portal = dev.portal;
    skewedDev = await startDevPortal({ clock: () => Date.now() + 10 * 60_000 });
    skewedPortal = skewedDev.portal;
    await mkdir(policyDir, { recursive: true });
    const policy = buildExtensionPolicy({
      extensionId: probeId,
      updateUrl: `${portal.origin}/extension/updates.xml`,
      managed: { portalOrigins: [portal.origin] },
    });
    await writeFile(join(policyDir, 'keybound.json'), linuxPolicyJson(policy));
  }, 60_000);

  afterAll(async () => {
    await stopDaemon();
    await dev?.close();
    await skewedDev?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('should install the data dir, a unit systemd accepts and a host manifest, and change nothing the second time', async () => {
    // No --daemon-port: the daemon picks a free port and records it in the data dir (decision 0041),
    // so nothing else on a busy machine can take a port chosen in advance.
    const args = ['install', '--extension-id', probeId];
    const first = await keybound(args);
    expect(first.stdout).toMatch(/^created\s+data dir: .*\(0700\)$/m);
    expect(first.stdout).toContain(`wrote           systemd service: ${unitPath}`);
    expect(first.stdout).toMatch(
      /^wrote\s+chromium native-messaging host: .*NativeMessagingHosts\/dev\.keybound\.native_host\.json$/m,
    );
    // No systemd user session here: install says so and goes on.
    expect(first.stdout).toMatch(/^(ran|skipped)\s+service: systemctl --user/m);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    if (existsSync('/usr/bin/systemd-analyze')) {
      await exec('systemd-analyze', ['verify', unitPath]);
    } else if (process.env.CI) throw new Error('systemd-analyze is missing in CI');

    const second = await keybound(args);
    expect(second.stdout).toMatch(/^unchanged\s+data dir/m);
    expect(second.stdout).toMatch(/^unchanged\s+systemd service/m);
    expect(second.stdout).toMatch(/^unchanged\s+chromium native-messaging host/m);

    const dry = await keybound(['uninstall', '--dry-run', '--extension-id', probeId]);
    expect(dry.stdout).toMatch(/^would remove\s+systemd service/m);
    expect(existsSync(unitPath)).toBe(true);
  }, 120_000);

  it('should report every link green once the service runs', async () => {
    await keybound(['device', 'make-eligible', '--data-dir', dataDir]);
    await startFromUnit();
    const { code, text } = await doctor();
    expect(text, text).not.toMatch(/^FAIL/m);
    expect(code, text).toBe(0);
    expect(text).toMatch(/^ok\s+Daemon running/m);
    expect(text).toMatch(/^ok\s+Native-messaging host\s+valid for .*chromium/m);
    expect(text).toMatch(/^ok\s+Device enrolled\s+desktop-agent, Example Organisation \(host source\)/m);
    expect(text).toMatch(/^ok\s+Protect ready/m);
    expect(text).toMatch(/^ok\s+Clock matches the portal/m);
    expect(text).toContain('Every link is working.');
  }, 120_000);

  it('should have Chromium read the installed host manifest and reach the daemon through it', async () => {
    const probe = join(home, 'probe-extension');
    await mkdir(probe, { recursive: true });
    const manifest = {
      manifest_version: 3,
      name: 'probe',
      version: '1',
      key: probeKey,
      permissions: ['nativeMessaging'],
      background: { service_worker: 'sw.js' },
    };
    await writeFile(join(probe, 'manifest.json'), JSON.stringify(manifest));
    await writeFile(join(probe, 'sw.js'), '');
    // The default profile folder of Chromium for this HOME: where install wrote the manifest.
    const context = await chromium.launchPersistentContext(join(home, '.config/chromium'), {
      executablePath: CHROMIUM_PATH,
      headless: true,
      env,
      args: [`--disable-extensions-except=${probe}`, `--load-extension=${probe}`, '--no-sandbox', '--disable-gpu'],
    });
    try {
      const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
      expect(new URL(worker.url()).host).toBe(probeId);
      const answer = await worker.evaluate(
        ([host]) =>
          (
            globalThis as unknown as {
              chrome: { runtime: { sendNativeMessage(h: string, m: unknown): Promise<unknown> } };
            }
          ).chrome.runtime.sendNativeMessage(host as string, { id: 'd1', type: 'discover' }),
        [HOST],
      );
      expect(answer).toMatchObject({ id: 'd1', ok: true, result: { port: daemonPort, paired: false } });
    } finally {
      await context.close();
    }
  }, 120_000);

  it('should name each broken link on its own line with its own exit code', async () => {
    const proxy = await doctor({}, { HTTPS_PROXY: 'http://proxy.example:3128' });
    expect(proxy.code).toBe(16);
    expect(proxy.text).toMatch(/^FAIL\s+Proxy leaves loopback alone\s+HTTPS_PROXY set and NO_PROXY \(unset\)/m);
    expect((await doctor({}, { HTTPS_PROXY: 'http://proxy.example:3128', NO_PROXY: 'localhost,127.0.0.1' })).code).toBe(
      0,
    );

    const clock = await doctor({ portal: skewedPortal.origin });
    expect(clock.code).toBe(17);
    expect(clock.text).toMatch(/^FAIL\s+Clock matches the portal\s+behind .* by 60\d\.\d s/m);

    const noPolicy = await doctor({ policyDir: [join(home, 'empty-policies')] });
    expect(noPolicy.code).toBe(15);
    expect(noPolicy.text).toMatch(/^FAIL\s+Policy seen\s+no managed policy for/m);

    const manifest = join(home, `.config/chromium/NativeMessagingHosts/${HOST}.json`);
    await rm(manifest);
    const noManifest = await doctor();
    expect(noManifest.code).toBe(13);
    expect(noManifest.text).toMatch(/^FAIL\s+Native-messaging host\s+chromium: no manifest at/m);
    await keybound(['install', '--extension-id', probeId]);
    expect((await doctor()).code).toBe(0);

    await stopDaemon();
    await writeFile(agentState, JSON.stringify({ enrolled: false }));
    await startFromUnit();
    const unenrolled = await doctor();
    expect(unenrolled.code).toBe(18);
    expect(unenrolled.text).toMatch(/^FAIL\s+Device enrolled\s+not enrolled/m);

    await stopDaemon();
    const stopped = await doctor();
    expect(stopped.code).toBe(10);
    expect(stopped.text).toMatch(/^FAIL\s+Daemon service\s+.*installed but the daemon is not running/m);
    expect(stopped.text).toMatch(/^\s+fix: systemctl --user start keybound-daemon/m);

    const json = JSON.parse((await doctor({ json: true })).text);
    expect(json).toMatchObject({ ok: false, exitCode: 10 });
    expect(json.checks.map((c: { id: string }) => c.id)).toEqual([
      'service',
      'daemon',
      'port',
      'nativeHost',
      'extension',
      'policy',
      'proxy',
      'clock',
      'enrollment',
      'protect',
      'keyStore',
    ]);
  }, 180_000);
});
