/**
 * `keybound admin ssf receiver add|list|remove`: where the portal pushes CAEP Security Event Tokens
 * (OpenID SSF push delivery, RFC 8935) when a device is revoked, a device sign-in is deleted or a
 * device falls out of posture policy; `keybound admin revocation list`: what became of each notice
 * (back-channel logout and CAEP). Registered by the core's admin command.
 */
import type { Command } from 'commander';
import { runAdmin, table } from './runAdmin.js';

const actions = () => import('../revocation/ssfAdminActions.js');

export function registerSsfCommands(admin: Command): void {
  const receiver = admin
    .command('ssf')
    .description('Shared Signals (SSF): CAEP events pushed to receivers')
    .command('receiver')
    .description('SSF push receivers (RFC 8935)');

  receiver
    .command('add <url>')
    .description('Push CAEP session-revoked and device-compliance-change SETs to URL (https, or http on localhost)')
    .option('--app <name>', "tie it to an SSO app: its SETs name that app's session (sid); audience = its client id")
    .option('--audience <aud>', 'the aud of every SET (default: the app client id, else the URL origin)')
    .option('--org <name>', 'organisation (default: the only one)')
    .action(async (url: string, opts: { app?: string; audience?: string; org?: string }, cmd: Command) => {
      const a = await actions();
      await runAdmin(
        cmd,
        (db, now) =>
          a.ssfReceiverAdd(db, now, {
            endpointUrl: url,
            ...(opts.app ? { appName: opts.app } : {}),
            ...(opts.audience ? { audience: opts.audience } : {}),
            ...(opts.org ? { orgName: opts.org } : {}),
          }),
        (r: { id: string; endpointUrl: string; audience: string; app: string | null }) =>
          `Added SSF receiver ${r.id} at ${r.endpointUrl} (aud ${r.audience}${r.app ? `, app ${r.app}` : ''}).`,
      );
    });

  receiver
    .command('list')
    .option('--org <name>', 'organisation (default: the only one)')
    .action(async (opts: { org?: string }, cmd: Command) => {
      const a = await actions();
      await runAdmin(
        cmd,
        (db, now) => a.ssfReceiverList(db, now, opts.org),
        (rows: Record<string, unknown>[]) => table(rows, ['id', 'endpointUrl', 'audience', 'app', 'createdAt']),
      );
    });

  receiver
    .command('remove <idOrUrl>')
    .option('--org <name>', 'organisation (default: the only one)')
    .action(async (idOrUrl: string, opts: { org?: string }, cmd: Command) => {
      const a = await actions();
      await runAdmin(
        cmd,
        (db, now) => a.ssfReceiverRemove(db, now, idOrUrl, opts.org),
        (r: { id: string; endpointUrl: string }) => `Removed SSF receiver ${r.id} (${r.endpointUrl}).`,
      );
    });

  admin
    .command('revocation')
    .description('Notices sent to SSO apps when sessions are revoked (back-channel logout, CAEP)')
    .command('list')
    .description('Each notice: target, event, state (pending, delivered, failed), attempts, last error')
    .option('--state <state>', 'only pending, delivered or failed notices')
    .action(async (opts: { state?: string }, cmd: Command) => {
      const a = await actions();
      await runAdmin(
        cmd,
        (db, now) => {
          if (opts.state !== undefined && !['pending', 'delivered', 'failed'].includes(opts.state)) {
            throw new Error(`expected --state pending, delivered or failed, got "${opts.state}"`);
          }
          return a.revocationNoticeList(db, now, opts.state as 'pending' | 'delivered' | 'failed' | undefined);
        },
        (rows: Record<string, unknown>[]) =>
          table(rows, ['id', 'kind', 'event', 'target', 'state', 'attempts', 'createdAt', 'lastError']),
      );
    });
}
