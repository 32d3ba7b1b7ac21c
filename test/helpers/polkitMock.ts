/**
 * polkit's D-Bus API for tests: a private bus (`dbus-daemon`, its own socket in a temp dir,
 * never the machine's system bus) with python3-dbusmock's `polkitd` template on it. Tests steer
 * the mock over the same bus (dbusmock's `org.freedesktop.DBus.Mock` interface) and read back
 * every call it received. See docs/decisions/0046-polkit-tests-with-dbusmock.md.
 *
 * When a component is missing, `polkitTestSupport()` says which; tests skip only outside CI and
 * fail in CI (`CI=true`), where .ci/run installs them.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dbus from 'dbus-next';

const READY_TIMEOUT_MS = 20_000;
const AUTHORITY = { name: 'org.freedesktop.PolicyKit1', path: '/org/freedesktop/PolicyKit1/Authority' };
const AUTHORITY_IFACE = 'org.freedesktop.PolicyKit1.Authority';
const MOCK_IFACE = 'org.freedesktop.DBus.Mock';

/** The Python that has dbusmock: Debian's, even when another python3 comes first on PATH. */
function pythonWithDbusmock(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(python, ['-c', 'import dbusmock'], { stdio: 'ignore', timeout: 10_000 });
      return python;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/** Undefined when everything is here; otherwise what is missing, in words. */
export function polkitTestSupport(): string | undefined {
  const missing: string[] = [];
  if (!existsSync('/usr/bin/dbus-daemon')) missing.push('dbus-daemon (Debian: dbus)');
  if (!pythonWithDbusmock()) missing.push('python3-dbusmock');
  return missing.length ? `missing ${missing.join(', ')}` : undefined;
}

/** Fails in CI when the components are missing; elsewhere tells the caller to skip. */
export function requirePolkitTestSupport(): boolean {
  const missing = polkitTestSupport();
  if (!missing) return true;
  if (process.env.CI === 'true') throw new Error(`polkit tests cannot run in CI: ${missing} (.ci/run installs them)`);
  return false;
}

export interface PrivateBus {
  /** `unix:path=…` — pass it as the system bus address. */
  address: string;
  stop(): Promise<void>;
}

/** A private message bus (the session configuration: only this user may connect). */
export async function startPrivateBus(): Promise<PrivateBus> {
  const dir = await mkdtemp(join(tmpdir(), 'kb-bus-'));
  const address = `unix:path=${join(dir, 'bus')}`;
  const daemon = spawn('/usr/bin/dbus-daemon', ['--session', '--nofork', `--address=${address}`, '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const stop = async () => {
    await endProcess(daemon);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        daemon.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code}) before it was ready`)));
        daemon.stdout?.once('data', () => resolve());
      }),
      'dbus-daemon to print its address',
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, stop };
}

export interface MethodCall {
  method: string;
  args: unknown[];
}

export interface PolkitMock extends PrivateBus {
  /** The stock template: these actions are authorised, every other is not. */
  setAllowed(actions: string[]): Promise<void>;
  /** Replaces CheckAuthorization's body (Python; sets `ret`, or raises) — answers the template lacks. */
  scriptCheck(python: string): Promise<void>;
  /** The stock template's hang: CheckAuthorization answers only on `releaseHanging`. */
  setHang(hang: boolean): Promise<void>;
  releaseHanging(): Promise<void>;
  /** Every call of `method` the mock received, oldest first. */
  calls(method: 'CheckAuthorization' | 'CancelCheckAuthorization'): Promise<MethodCall[]>;
  clearCalls(): Promise<void>;
}

/** A private bus with dbusmock's polkitd template on it, ready to answer. */
export async function startPolkitMock(): Promise<PolkitMock> {
  const python = pythonWithDbusmock();
  if (!python) throw new Error('python3-dbusmock is not installed');
  const bus = await startPrivateBus();
  const mock = spawn(python, ['-m', 'dbusmock', '--template', 'polkitd'], {
    env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: bus.address },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  mock.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const client = dbus.sessionBus({ busAddress: bus.address });
  client.on('error', () => undefined);
  const stop = async () => {
    client.disconnect();
    await endProcess(mock);
    await bus.stop();
  };
  const callMock = async (iface: string, member: string, signature = '', body: unknown[] = []) => {
    const reply = await withTimeout(
      client.call(
        new dbus.Message({
          destination: AUTHORITY.name,
          path: AUTHORITY.path,
          interface: iface,
          member,
          signature,
          body,
        }),
      ),
      `the mock to answer ${member}`,
    );
    return reply?.body ?? [];
  };
  try {
    await waitFor(async () => {
      if (mock.exitCode !== null) throw new Error(`dbusmock exited (${mock.exitCode}): ${stderr}`);
      const reply = await client.call(
        new dbus.Message({
          destination: 'org.freedesktop.DBus',
          path: '/org/freedesktop/DBus',
          interface: 'org.freedesktop.DBus',
          member: 'NameHasOwner',
          signature: 's',
          body: [AUTHORITY.name],
        }),
      );
      return reply?.body[0] === true;
    }, 'dbusmock polkitd to own org.freedesktop.PolicyKit1');
    // The template has no CancelCheckAuthorization; a recorded no-op lets tests see the cancel.
    await callMock(MOCK_IFACE, 'AddMethod', 'sssss', [AUTHORITY_IFACE, 'CancelCheckAuthorization', 's', '', '']);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    address: bus.address,
    stop,
    setAllowed: async (actions) => void (await callMock(MOCK_IFACE, 'SetAllowed', 'as', [actions])),
    scriptCheck: async (python) =>
      void (await callMock(MOCK_IFACE, 'AddMethod', 'sssss', [
        AUTHORITY_IFACE,
        'CheckAuthorization',
        '(sa{sv})sa{ss}us',
        '(bba{ss})',
        python,
      ])),
    setHang: async (hang) => void (await callMock(MOCK_IFACE, 'SimulateHang', 'b', [hang])),
    releaseHanging: async () => void (await callMock(MOCK_IFACE, 'ReleaseHangingCalls')),
    calls: async (method) => {
      const [list] = (await callMock(MOCK_IFACE, 'GetMethodCalls', 's', [method])) as [Array<[bigint, dbus.Variant[]]>];
      return list.map(([, args]) => ({ method, args: args.map((a) => unwrap(a)) }));
    },
    clearCalls: async () => void (await callMock(MOCK_IFACE, 'ClearCalls')),
  };
}

/** Variants (and variants inside structs and dicts) to plain values. */
function unwrap(value: unknown): unknown {
  if (value instanceof dbus.Variant) return unwrap(value.value);
  if (Array.isArray(value)) return value.map(unwrap);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  }
  return value;
}

async function waitFor(probe: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await withTimeout(probe(), what)) return;
    } catch (err) {
      last = err;
      if (/exited/.test(String((err as Error).message))) break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `timed out after ${READY_TIMEOUT_MS} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`,
  );
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${READY_TIMEOUT_MS} ms waiting for ${what}`)),
      READY_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** SIGTERM, then SIGKILL after 5 s; only the process this helper started. */
async function endProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(force);
}
