/**
 * The implementation behind `keybound device …` (loaded lazily by deviceCommand.ts). Opens the
 * data dir's state in this process — device.json, the key store, credentials — performs one
 * operation and prints what changed (describeDevice.ts), or JSON with --json. Typed errors print
 * `error CODE: message` and exit 1.
 */
import { KeyboundError } from '../../../shared/errors.js';
import { silentLogger } from '../../../shared/node/createLogger.js';
import { defaultDataDir } from '../../../shared/node/dataDir.js';
import type { EnrollmentType } from '../../../shared/protocol/device.js';
import { makeDeviceEligible } from '../device/makeDeviceEligible.js';
import type { MachineIdentity } from '../keys/machineIdentity.js';
import { openDaemonState } from '../openDaemonState.js';
import { describeDevice, describeDeviceChange } from './describeDevice.js';

export type DeviceAction =
  | { op: 'show' }
  | { op: 'set'; key: string; value: string }
  | { op: 'enroll'; type: string; organisation?: string; portal?: string; token?: string; name?: string }
  | { op: 'unenroll' }
  | { op: 'open-protect' }
  | { op: 'approve-takeover' }
  | { op: 'personal-copy'; decision: 'keep' | 'remove' }
  | { op: 'make-eligible'; type?: string; organisation?: string };

export interface DeviceActionOptions {
  dataDir?: string;
  json?: boolean;
  /** The TPM address, when the data dir's keys are in a TPM. */
  tpm?: string;
  /** Tests: where output goes, and which machine this is. */
  out?: (text: string) => void;
  err?: (text: string) => void;
  machineIdentity?: MachineIdentity;
}

/** Runs one device action; resolves to the process exit code. */
export async function runDeviceAction(action: DeviceAction, options: DeviceActionOptions): Promise<number> {
  const out = options.out ?? ((t: string) => process.stdout.write(t));
  const err = options.err ?? ((t: string) => process.stderr.write(t));
  const state = await openDaemonState({
    dataDir: options.dataDir ?? defaultDataDir(),
    device: 'emulator',
    logger: silentLogger(),
    ...(options.tpm ? { tpm: options.tpm } : {}),
    ...(options.machineIdentity ? { machineIdentity: options.machineIdentity } : {}),
  }).catch((e: unknown) => e as Error);
  if (state instanceof Error) return fail(state, err);
  try {
    const d = state.device;
    const before = await d.show();
    switch (action.op) {
      case 'set':
        await d.set(action.key, action.value);
        break;
      case 'enroll':
        await d.enroll({
          type: action.type as Parameters<typeof d.enroll>[0]['type'],
          ...(action.organisation ? { organisation: action.organisation } : {}),
          ...(action.portal && action.token ? { portal: action.portal, token: action.token } : {}),
          ...(action.name ? { name: action.name } : {}),
        });
        break;
      case 'unenroll':
        await d.unenroll();
        break;
      case 'open-protect':
        await d.openProtect();
        break;
      case 'approve-takeover':
        await d.approveTakeover();
        break;
      case 'personal-copy':
        await d.choosePersonalCopy(action.decision);
        break;
      case 'make-eligible':
        await makeDeviceEligible(d, {
          ...(action.type ? { type: action.type as EnrollmentType } : {}),
          ...(action.organisation ? { organisation: action.organisation } : {}),
        });
        break;
      case 'show':
        break;
    }
    const shown = await d.show();
    if (options.json) out(`${JSON.stringify(publicView(shown), null, 2)}\n`);
    else out(action.op === 'show' ? describeDevice(shown) : describeDeviceChange(before, shown));
    return 0;
  } catch (e) {
    return fail(e, err);
  } finally {
    await state.close();
  }
}

type Shown = Awaited<ReturnType<import('../device/DeviceControl.js').DeviceControl['show']>>;

/** The profile without the internal key reference. */
function publicView(shown: Shown) {
  const { identityKeyRef: _ref, ...enrollment } = shown.profile.enrollment;
  return { ...shown, profile: { ...shown.profile, enrollment } };
}

function fail(e: unknown, err: (t: string) => void): number {
  if (e instanceof KeyboundError) {
    err(`error ${e.code}: ${e.message}\n`);
    return 1;
  }
  if (e instanceof TypeError) {
    err(`error: ${e.message}\n`);
    return 2;
  }
  throw e;
}
