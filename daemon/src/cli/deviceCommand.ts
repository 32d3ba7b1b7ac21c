/**
 * `keybound device show|set|enroll|unenroll|…`: edits the device profile (device.json) in the
 * data dir directly, without a running daemon; a running daemon sees the change on its next
 * request (it re-reads device.json when the file changes). Actions import their
 * implementation lazily so `keybound --help` stays fast.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { readSecretOrExit } from '../../../shared/node/readSecret.js';
import { deviceSettingsHelp } from '../device/deviceSettings.js';
import type { DeviceAction } from './deviceActions.js';

const ENROLLMENT_TYPES = [
  'apple-automated',
  'apple-profile',
  'apple-user',
  'android-work-profile',
  'android-fully-managed',
  'desktop-agent',
];

function enrollmentType(value: string): string {
  if (!ENROLLMENT_TYPES.includes(value))
    throw new InvalidArgumentError(`expected one of ${ENROLLMENT_TYPES.join(', ')}`);
  return value;
}

async function run(action: DeviceAction, cmd: Command): Promise<void> {
  const { runDeviceAction } = await import('./deviceActions.js');
  process.exitCode = await runDeviceAction(action, cmd.optsWithGlobals());
}

/** Registers `keybound device …`. */
export function registerDeviceCommand(program: Command): void {
  const device = program
    .command('device')
    .description('the emulated device profile: enrollment, Protect state, user verification, settings')
    .option('--data-dir <dir>', 'the daemon data directory (default: KEYBOUND_DATA_DIR or the per-user data folder)')
    .option('--json', 'print JSON')
    .option('--tpm <address>', "the TPM holding this data dir's keys (default: KEYBOUND_TPM, then /dev/tpmrm0)");

  device
    .command('show')
    .description('print the device profile and whether it meets the registration prerequisites')
    .action((_o, cmd: Command) => run({ op: 'show' }, cmd));
  device
    .command('set <key> <value>')
    .description('set one field, e.g. `set protect.notifications on`, `set enrollment.type apple-user` (`-` clears)')
    .addHelpText('after', deviceSettingsHelp)
    .action((key: string, value: string, _o, cmd: Command) => run({ op: 'set', key, value }, cmd));
  device
    .command('enroll')
    .description('enroll in device management: creates the device identity key (with --portal, registers it there)')
    .option('--type <type>', `enrollment type: ${ENROLLMENT_TYPES.join(', ')}`, enrollmentType, 'desktop-agent')
    .option('--organisation <name>', 'organisation name (the portal sets it when --portal is given)')
    .option('--portal <url>', "the portal whose device inventory registers this device's identity key")
    .option(
      '--token-file <file>',
      "read the enrollment token from FILE ('-': standard input); without it the token is asked for (hidden) or read from standard input",
    )
    .option('--token <token>', 'the enrollment token (discouraged: visible to other users and in shell history)')
    .option('--name <name>', 'the device name shown in the inventory (default: host name)')
    .action(
      async (
        o: { type: string; organisation?: string; portal?: string; token?: string; tokenFile?: string; name?: string },
        cmd: Command,
      ) => {
        const { tokenFile, ...rest } = o;
        if (o.portal === undefined) {
          if (o.token !== undefined || tokenFile !== undefined) cmd.error('--token and --token-file go with --portal');
          return run({ op: 'enroll', ...rest }, cmd);
        }
        const token = await readSecretOrExit(cmd, {
          label: 'enrollment token',
          argOption: '--token',
          fileOption: '--token-file',
          value: o.token,
          file: tokenFile,
        });
        return run({ op: 'enroll', ...rest, token }, cmd);
      },
    );
  device
    .command('make-eligible')
    .description(
      'developers: enroll (if not yet), install Protect as managed, open it, notifications, biometrics and PIN, device sign-in on',
    )
    .option('--type <type>', `enrollment type when not enrolled yet: ${ENROLLMENT_TYPES.join(', ')}`, enrollmentType)
    .option('--organisation <name>', 'organisation name when not enrolled yet')
    .action((o: { type?: string; organisation?: string }, cmd: Command) => run({ op: 'make-eligible', ...o }, cmd));
  device
    .command('unenroll')
    .description('leave device management and delete the device identity key')
    .action((_o, cmd: Command) => run({ op: 'unenroll' }, cmd));
  device
    .command('open-protect')
    .description('open Protect once (finishes its setup)')
    .action((_o, cmd: Command) => run({ op: 'open-protect' }, cmd));
  device
    .command('approve-takeover')
    .description(
      'approve the organisation taking over a personally installed Protect (Apple profile-driven enrollment)',
    )
    .action((_o, cmd: Command) => run({ op: 'approve-takeover' }, cmd));
  device
    .command('personal-copy <keep|remove>')
    .description(
      'Apple User Enrollment (BYOD): keep your own Protect, or remove it (deletes its tokens) for the managed copy',
    )
    .action((decision: string, _o, cmd: Command) => {
      if (decision !== 'keep' && decision !== 'remove') cmd.error('expected keep or remove');
      return run({ op: 'personal-copy', decision: decision as 'keep' | 'remove' }, cmd);
    });
}
