/**
 * Starts a private swtpm (a software TPM 2.0) for tests, benchmarks and `npm run demo --
 * --key-store tpm`: its own state dir, manufactured once with an EK certificate signed by
 * swtpm-localca (`swtpm_setup --create-ek-cert`), listening on free loopback ports, stopped by
 * its PID. `restart()` stops and starts it on the same state dir (a TPM power cycle, state kept).
 * Every wait is bounded and fails with a message.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Swtpm {
  /** For `--tpm` / KEYBOUND_TPM: `swtpm:127.0.0.1:PORT`. */
  readonly address: string;
  readonly stateDir: string;
  readonly pid: number;
  restart(): Promise<void>;
  /** Stops swtpm (by PID) and, when the state dir was made here, removes it. */
  stop(): Promise<void>;
}

/** True when swtpm and swtpm_setup are installed (tests skip locally without them, never in CI). */
export function swtpmInstalled(): boolean {
  return existsSync('/usr/bin/swtpm') && existsSync('/usr/bin/swtpm_setup');
}

/** The root CA swtpm-localca signs EK certificates under (created by the first swtpm_setup). */
export const SWTPM_LOCALCA_DIR = '/var/lib/swtpm-localca';

/**
 * `localCaDir`: manufacture under a private certificate authority kept in that folder (its root
 * is `<localCaDir>/swtpm-localca-rootca-cert.pem`) instead of the machine's swtpm-localca — a
 * TPM "from another manufacturer", for tests of untrusted roots.
 */
export async function startSwtpm(options: { stateDir?: string; localCaDir?: string } = {}): Promise<Swtpm> {
  const ownDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'kb-swtpm-')));
  const manufactured = (await readdir(stateDir).catch(() => [])).some((f) => f.startsWith('tpm2-'));
  if (!manufactured)
    await manufacture(stateDir, options.localCaDir ? await localCaConfig(options.localCaDir) : undefined);
  let child: ChildProcess | undefined;
  // Picked once: a restart comes back on the same address, as a rebooted TPM would. The control
  // port is the next one up, where tpm2-tools' swtpm TCTI looks for it.
  const port = await freePortPair();
  const ctrl = port + 1;

  const start = async () => {
    child = spawn(
      'swtpm',
      [
        'socket',
        '--tpm2',
        '--tpmstate',
        `dir=${stateDir}`,
        '--server',
        `type=tcp,port=${port},bindaddr=127.0.0.1`,
        '--ctrl',
        `type=tcp,port=${ctrl},bindaddr=127.0.0.1`,
        '--flags',
        'startup-clear',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    await waitForPort(port, child, () => stderr);
  };
  const stopChild = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.pid === undefined) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    process.kill(c.pid, 'SIGTERM');
    const timer = setTimeout(
      () => c.pid !== undefined && c.exitCode === null && process.kill(c.pid, 'SIGKILL'),
      10_000,
    );
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    get address() {
      return `swtpm:127.0.0.1:${port}`;
    },
    stateDir,
    get pid() {
      return child?.pid ?? -1;
    },
    async restart() {
      await stopChild();
      await start();
    },
    async stop() {
      await stopChild();
      if (ownDir) await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** swtpm_setup and swtpm-localca configuration files that keep the CA in `dir`. */
async function localCaConfig(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const ca = join(dir, 'swtpm-localca.conf');
  await writeFile(
    ca,
    `statedir = ${dir}\nsigningkey = ${dir}/signkey.pem\nissuercert = ${dir}/issuercert.pem\ncertserial = ${dir}/certserial\n`,
  );
  await writeFile(
    join(dir, 'swtpm-localca.options'),
    '--platform-manufacturer Keybound-Test\n--platform-version 2.1\n--platform-model Test\n',
  );
  const setup = join(dir, 'swtpm_setup.conf');
  await writeFile(
    setup,
    `create_certs_tool = /usr/bin/swtpm_localca\ncreate_certs_tool_config = ${ca}\ncreate_certs_tool_options = ${dir}/swtpm-localca.options\nactive_pcr_banks = sha256\n`,
  );
  return setup;
}

async function manufacture(stateDir: string, config: string | undefined): Promise<void> {
  const args = [
    '--tpm2',
    '--tpmstate',
    stateDir,
    '--create-ek-cert',
    '--create-platform-cert',
    '--lock-nvram',
    '--overwrite',
  ];
  if (config) args.push('--config', config);
  try {
    await run('swtpm_setup', args, { timeout: 60_000 });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`swtpm_setup failed for ${stateDir}: ${e.stderr || e.stdout || e.message}`);
  }
}

function listenOn(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(undefined));
    s.listen(port, '127.0.0.1', () => {
      const got = (s.address() as { port: number }).port;
      s.close(() => resolve(got));
    });
  });
}

/** A free port P with P+1 free too (bounded tries). */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = await listenOn(0);
    if (p !== undefined && p < 65535 && (await listenOn(p + 1)) !== undefined) return p;
  }
  throw new Error('No two consecutive free loopback ports found for swtpm after 50 tries');
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`swtpm exited with code ${child.exitCode}: ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      throw new Error(`swtpm did not listen on 127.0.0.1:${port} within 15 s: ${stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
