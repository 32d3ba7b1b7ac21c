/**
 * The demo stack (dev/startDemoStack.ts) as the end-to-end tests need it: `--uv protect`
 * (every user verification is answered by clicking in the Protect window), quiet logs, its own
 * temporary data root (removed by `close()`), optionally more allow-listed extension ids (through
 * the daemon's `config.json`, the IT configuration file), and two handles on the device the way a
 * user or IT changes it while the daemon runs:
 *   - `protect(...)`: the `keybound protect …` control socket (accounts, settings, install);
 *   - `editDevice(...)`: the emulated device profile (`device.json`, re-read by the running daemon),
 *     as `keybound device set …` does.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlCall } from '../../../daemon/src/control/controlClient.js';
import type { ControlRequest } from '../../../daemon/src/control/controlProtocol.js';
import type { DeviceProfile } from '../../../daemon/src/device/deviceProfile.js';
import { EmulatedProfileSource } from '../../../daemon/src/device/EmulatedProfileSource.js';
import { type DemoStack, startDemoStack } from '../../../dev/startDemoStack.js';
import { createLogger } from '../../../shared/node/createLogger.js';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
export type ProtectOperation = WithoutId<ControlRequest>;

/** A device sign-in account as `keybound protect accounts` lists it. */
export interface DeviceSignInAccount {
  id: string;
  kind: 'device-signin';
  rpId: string;
  userName: string;
}

export interface E2eStack extends DemoStack {
  /** One control-socket operation (what `keybound protect …` sends); resolves to its result. */
  protect(operation: ProtectOperation): Promise<unknown>;
  /** The device sign-in accounts Protect lists. */
  deviceSignInAccounts(): Promise<DeviceSignInAccount[]>;
  /** Changes the emulated device profile while the daemon runs. */
  editDevice(change: (profile: DeviceProfile) => DeviceProfile): Promise<DeviceProfile>;
}

export interface E2eStackOptions {
  /** Chrome extension ids the daemon allow-lists besides the pinned one (pairing pre-authorised). */
  extraExtensionIds?: string[];
  /** The portal serves a packed extension from this folder under /extension/. */
  extensionDir?: string;
  /** false: the first pairing waits for Approve in the Protect window (default: pre-authorised). */
  preauthorizePairing?: boolean;
  /** `tpm`: the daemon's keys in a private swtpm, attested, `hardware-keys required` (default `file`). */
  keyStore?: 'file' | 'tpm';
}

/** Starts the stack; `close()` stops everything and removes the data root. */
export async function startE2eStack(options: E2eStackOptions = {}): Promise<E2eStack> {
  const dataRoot = await mkdtemp(join(tmpdir(), 'keybound-e2e-'));
  try {
    if (options.extraExtensionIds?.length) {
      // The daemon merges config.json with its flags: IT allow-lists another install this way.
      await mkdir(join(dataRoot, 'daemon'), { recursive: true, mode: 0o700 });
      await writeFile(
        join(dataRoot, 'daemon', 'config.json'),
        JSON.stringify({ allowExtensions: options.extraExtensionIds, preauthorizePairing: true }),
        { mode: 0o600 },
      );
    }
    const stack = await startDemoStack({
      dataRoot,
      uv: 'protect',
      ...(options.extensionDir ? { extensionDir: options.extensionDir } : {}),
      ...(options.preauthorizePairing === false ? { preauthorizePairing: false } : {}),
      ...(options.keyStore ? { keyStore: options.keyStore } : {}),
      logger: createLogger('e2e', { level: process.env.KEYBOUND_TEST_LOG_LEVEL ?? 'silent' }),
    });
    const profile = new EmulatedProfileSource(stack.daemon.dataDir);
    const protect = (operation: ProtectOperation) => controlCall(stack.daemon.dataDir, operation);
    return {
      ...stack,
      protect,
      deviceSignInAccounts: async () => {
        const { accounts } = (await protect({ op: 'accounts.list' })) as { accounts: { kind: string }[] };
        return accounts.filter((a): a is DeviceSignInAccount => a.kind === 'device-signin');
      },
      editDevice: (change) => profile.update(change),
      close: async () => {
        await stack.close();
        await rm(dataRoot, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dataRoot, { recursive: true, force: true });
    throw err;
  }
}
