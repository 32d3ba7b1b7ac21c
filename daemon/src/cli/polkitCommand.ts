/**
 * `keybound polkit policy [--owner USER]… [--all-users]`: prints the polkit policy of host-mode
 * user verification, for IT to install as root (docs/daemon.md, "Host-mode user verification").
 * Printing rather than writing keeps the command unprivileged; `sudo tee` does the writing.
 */
import { type Command, InvalidArgumentError } from 'commander';

function collectOwner(value: string, previous: string[]): string[] {
  if (!/^[a-z_][a-z0-9_.-]{0,31}\$?$/i.test(value)) throw new InvalidArgumentError('expected a user name');
  return [...previous, value];
}

export function registerPolkitCommand(program: Command): void {
  const polkit = program.command('polkit').description('host-mode user verification on Linux (polkit)');
  polkit
    .command('policy')
    .description('print the polkit policy for dev.keybound.verify-user (install it as root, see docs/daemon.md)')
    .option('--owner <user>', 'a user whose prompts may name the site and account (repeatable)', collectOwner, [])
    .option('--all-users', 'every login user of this machine (uid 1000-59999 in /etc/passwd) as an owner')
    .action(async (opts: { owner: string[]; allUsers?: boolean }) => {
      const { readFile } = await import('node:fs/promises');
      const { loginUsers, renderPolkitPolicy } = await import('../protect/os/renderPolkitPolicy.js');
      const all = opts.allUsers ? loginUsers(await readFile('/etc/passwd', 'utf8')) : [];
      process.stdout.write(renderPolkitPolicy([...new Set([...opts.owner, ...all])]));
    });
}
