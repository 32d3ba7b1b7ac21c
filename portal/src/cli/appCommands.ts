/**
 * `keybound admin app …`: register SSO apps (OpenID Connect clients), assign them to users, list
 * them. `app add` prints the client secret once; it is stored only as a hash. Registered by the
 * core's admin command: `registerAppCommands(admin)`. Actions import their modules lazily.
 */
import type { Command } from 'commander';
import { runAdmin, table } from './runAdmin.js';

const actions = () => import('../apps/appAdminActions.js');

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Adds `app add|update|assign|list` under the `admin` command. */
export function registerAppCommands(admin: Command): void {
  const app = admin.command('app').description('SSO apps (OpenID Connect clients) and who may use them');

  app
    .command('add <name>')
    .description('Register an SSO app; prints its client id, and its client secret once')
    .requiredOption('--redirect-uri <uri>', 'redirect URI (repeat for more); https, or http on localhost', collect)
    .option('--protected', 'only trusted devices may open it when Device Trust is on')
    .option('--public', 'a public client: no secret, PKCE only')
    .option('--launch-url <url>', "where the portal's app tile sends users (default: the redirect URI's origin)")
    .option(
      '--backchannel-logout-uri <uri>',
      'OIDC Back-Channel Logout endpoint: the portal posts a logout token there when a session ends by revocation',
    )
    .option('--org <name>', 'organisation (default: the only one)')
    .action(
      async (
        name: string,
        opts: {
          redirectUri: string[];
          protected?: boolean;
          public?: boolean;
          launchUrl?: string;
          backchannelLogoutUri?: string;
          org?: string;
        },
        cmd: Command,
      ) => {
        const a = await actions();
        await runAdmin(
          cmd,
          (db, now) =>
            a.adminAddApp(db, now, {
              name,
              redirectUris: opts.redirectUri,
              protected: Boolean(opts.protected),
              public: Boolean(opts.public),
              ...(opts.launchUrl ? { launchUrl: opts.launchUrl } : {}),
              ...(opts.backchannelLogoutUri ? { backchannelLogoutUri: opts.backchannelLogoutUri } : {}),
              ...(opts.org ? { orgName: opts.org } : {}),
            }),
          (r: { name: string; organisation: string; clientId: string; clientSecret?: string; protected: boolean }) =>
            [
              `Added app ${r.name} to ${r.organisation}${r.protected ? ' (protected)' : ''}.`,
              `client_id:     ${r.clientId}`,
              r.clientSecret
                ? `client_secret: ${r.clientSecret}\n(shown once: store it in the app's configuration now)`
                : 'public client: no secret; the app must use PKCE',
            ].join('\n'),
        );
      },
    );

  app
    .command('update <name>')
    .description("Change an app's back-channel logout URI, start URL or protection")
    .option('--backchannel-logout-uri <uri>', "OIDC Back-Channel Logout endpoint ('none' removes it)")
    .option('--launch-url <url>', "where the portal's app tile sends users")
    .option('--protected', 'only trusted devices may open it when Device Trust is on')
    .option('--unprotected', 'any signed-in session may open it')
    .option('--org <name>', 'organisation (default: the only one)')
    .action(
      async (
        name: string,
        opts: {
          backchannelLogoutUri?: string;
          launchUrl?: string;
          protected?: boolean;
          unprotected?: boolean;
          org?: string;
        },
        cmd: Command,
      ) => {
        const a = await actions();
        await runAdmin(
          cmd,
          (db, now) => {
            if (opts.protected && opts.unprotected) throw new Error('choose --protected or --unprotected, not both');
            return a.adminUpdateApp(db, now, {
              name,
              ...(opts.backchannelLogoutUri !== undefined
                ? { backchannelLogoutUri: opts.backchannelLogoutUri === 'none' ? null : opts.backchannelLogoutUri }
                : {}),
              ...(opts.launchUrl !== undefined ? { launchUrl: opts.launchUrl } : {}),
              ...(opts.protected ? { protected: true } : opts.unprotected ? { protected: false } : {}),
              ...(opts.org ? { orgName: opts.org } : {}),
            });
          },
          (r: { name: string; backchannelLogoutUri: string | null; protected: boolean }) =>
            `Updated app ${r.name}${r.protected ? ' (protected)' : ''}; back-channel logout: ${r.backchannelLogoutUri ?? 'none'}.`,
        );
      },
    );

  app
    .command('assign <name> <email>')
    .description('Let a user open the app (they see it on their portal home page)')
    .option('--org <name>', 'organisation (default: the only one)')
    .action(async (name: string, email: string, opts: { org?: string }, cmd: Command) => {
      const a = await actions();
      await runAdmin(
        cmd,
        (db, now) => a.adminAssignApp(db, now, { name, email, ...(opts.org ? { orgName: opts.org } : {}) }),
        (r: { app: string; email: string; alreadyAssigned: boolean }) =>
          r.alreadyAssigned ? `${r.app} was already assigned to ${r.email}.` : `Assigned ${r.app} to ${r.email}.`,
      );
    });

  app
    .command('list')
    .description('The apps, their client ids and who they are assigned to (no secrets)')
    .option('--org <name>', 'organisation (default: all)')
    .action(async (opts: { org?: string }, cmd: Command) => {
      const a = await actions();
      await runAdmin(
        cmd,
        (db, now) => a.adminListApps(db, now, opts.org),
        (rows: Record<string, unknown>[]) =>
          table(
            rows.map((r) => ({ ...r, assignedTo: (r.assignedTo as string[]).join(',') || '-' })),
            ['name', 'clientId', 'clientType', 'protected', 'launchUrl', 'assignedTo'],
          ),
      );
    });
}
