/**
 * `keybound protect …`: the Protect app's command-line front-end, talking to the running daemon
 * over its control socket. Actions import their implementation lazily (fast `--help`).
 */
import { type Command, InvalidArgumentError } from 'commander';
import { readSecretOrExit } from '../../../shared/node/readSecret.js';

function onOff(value: string): boolean {
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new InvalidArgumentError('expected on or off');
}

type Run = (op: import('./protectActions.js').ProtectAction, cmd: Command) => Promise<void>;

const run: Run = async (op, cmd) => {
  const { runProtectAction } = await import('./protectActions.js');
  process.exitCode = await runProtectAction(op, cmd.optsWithGlobals());
};

export function registerProtectCommand(program: Command): void {
  const protect = program
    .command('protect')
    .description('Protect: approve requests, manage accounts, settings and TOTP (needs a running daemon)')
    .option('--data-dir <dir>', 'the daemon data directory (default: KEYBOUND_DATA_DIR or the per-user data folder)');

  protect
    .command('pending')
    .description('list requests waiting for approval')
    .option('--json', 'print JSON')
    .action((_o, cmd: Command) => run({ op: 'protect.pending' }, cmd));
  protect
    .command('approve <id>')
    .description('approve a pending request (user verified)')
    .action((id: string, _o, cmd: Command) => run({ op: 'protect.approve', protectId: id }, cmd));
  protect
    .command('deny <id>')
    .description('deny a pending request')
    .action((id: string, _o, cmd: Command) => run({ op: 'protect.deny', protectId: id }, cmd));
  protect
    .command('accounts [action] [id]')
    .description('list accounts; `accounts show ID`, `accounts delete ID`')
    .option('--json', 'print JSON')
    .action((action: string | undefined, id: string | undefined, _o, cmd: Command) => {
      if (action === undefined) return run({ op: 'accounts.list' }, cmd);
      if ((action === 'show' || action === 'delete') && id)
        return run({ op: `accounts.${action}`, accountId: id }, cmd);
      cmd.error('usage: keybound protect accounts [--json] | accounts show ID | accounts delete ID');
    });
  protect
    .command('settings')
    .description('Protect settings')
    .command('device-signin <on|off>')
    .description('turn device sign-in on or off (off: the portal falls back to password and MFA)')
    .action((value: string, _o, cmd: Command) => run({ op: 'settings.deviceSignIn', on: onOff(value) }, cmd));
  protect
    .command('notifications <on|off>')
    .description('allow or block Protect notifications')
    .action((value: string, _o, cmd: Command) => run({ op: 'settings.notifications', on: onOff(value) }, cmd));
  protect
    .command('install')
    .description('install Protect (emulated device)')
    .option('--managed', 'deployed by the organisation')
    .option('--personal', 'installed by the user')
    .action((o: { managed?: boolean; personal?: boolean }, cmd: Command) => {
      if (o.managed === o.personal) cmd.error('choose exactly one of --managed or --personal');
      return run({ op: 'protect.install', source: o.managed ? 'managed' : 'personal' }, cmd);
    });
  protect
    .command('uninstall')
    .description('uninstall Protect: removes and invalidates every device sign-in, push and TOTP token')
    .action((_o, cmd: Command) => run({ op: 'protect.uninstall' }, cmd));
  const totp = protect.command('totp').description('TOTP accounts');
  totp
    .command('add [otpauth-uri]')
    .description(
      'add a TOTP account from an otpauth:// URI: asked for (hidden) on a terminal, else read from standard input or --uri-file',
    )
    .option('--uri-file <file>', "read the otpauth:// URI from FILE ('-': standard input)")
    .action(async (arg: string | undefined, o: { uriFile?: string }, cmd: Command) => {
      const uri = await readSecretOrExit(cmd, {
        label: 'otpauth:// URI',
        argOption: 'the otpauth-uri argument',
        fileOption: '--uri-file',
        value: arg,
        file: o.uriFile,
      });
      return run({ op: 'totp.add', uri }, cmd);
    });
  totp
    .command('code <id>')
    .description('show the current code of a TOTP account')
    .action((id: string, _o, cmd: Command) => run({ op: 'totp.code', accountId: id }, cmd));
}
