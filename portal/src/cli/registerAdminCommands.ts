/**
 * `keybound admin [--db FILE] [--json] …`: organisation policy, users, enrollment tokens, the
 * device inventory, device sign-in credentials and the audit trail. Actions import the heavy
 * modules lazily so `keybound --help` stays fast.
 */
import type { Command } from 'commander';
import { readSecretOrExit } from '../../../shared/node/readSecret.js';
import { registerAppCommands } from './appCommands.js';
import { runAdmin, table } from './runAdmin.js';
import { registerSsfCommands } from './ssfCommands.js';

const actions = () => import('../admin/adminActions.js');

function onOff(value: string): boolean {
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new Error(`expected "on" or "off", got "${value}"`);
}

export function registerAdminCommands(program: Command): void {
  const admin = program
    .command('admin')
    .description('Administer the portal: organisation, users, apps, devices, credentials, audit')
    .option(
      '--db <file|url>',
      'portal database: SQLite file or postgres://… (default: portal.sqlite in the data folder)',
    )
    .option('--json', 'print results as JSON');

  const org = admin.command('org').description('Organisation policy');
  org
    .command('show')
    .option('--org <name>', 'organisation (default: the only one)')
    .action(async (opts: { org?: string }, cmd: Command) => {
      const a = await actions();
      await runAdmin(cmd, (db, now) => a.showOrganisation(db, now, opts.org));
    });
  const set = org.command('set').description('Change a policy');
  set
    .command('device-trust <state>')
    .description('Device Trust: protected apps only from trusted devices (on|off)')
    .option('--org <name>', 'organisation (default: the only one)')
    .action(async (state: string, opts: { org?: string }, cmd: Command) => {
      const a = await actions();
      await runAdmin(
        cmd,
        (db, now) => a.setOrgDeviceTrust(db, now, onOff(state), opts.org),
        (r: { organisation: string; deviceTrust: boolean }) =>
          `Device Trust is ${r.deviceTrust ? 'on' : 'off'} for ${r.organisation}.`,
      );
    });
  set
    .command('hardware-keys <policy>')
    .description('Device sign-in keys in a TPM: required (software keys refused and untrusted), preferred, off')
    .option('--org <name>', 'organisation (default: the only one)')
    .action(async (policy: string, opts: { org?: string }, cmd: Command) => {
      const { setOrgHardwareKeys } = await import('../admin/hardwareKeysActions.js');
      await runAdmin(
        cmd,
        (db, now) => setOrgHardwareKeys(db, now, policy, opts.org),
        (r: { organisation: string; hardwareKeys: string }) =>
          `Hardware keys are ${r.hardwareKeys} for ${r.organisation}.`,
      );
    });
  set
    .command('mfa <policy>')
    .description('Multi-factor authentication after the password (required|optional)')
    .option('--org <name>', 'organisation (default: the only one)')
    .action(async (policy: string, opts: { org?: string }, cmd: Command) => {
      const a = await actions();
      await runAdmin(
        cmd,
        (db, now) => {
          if (policy !== 'required' && policy !== 'optional')
            throw new Error(`expected "required" or "optional", got "${policy}"`);
          return a.setOrgMfa(db, now, policy === 'required', opts.org);
        },
        (r: { organisation: string; mfaRequired: boolean }) =>
          `MFA is ${r.mfaRequired ? 'required' : 'optional'} for ${r.organisation}.`,
      );
    });

  set
    .command('session-refresh <seconds>')
    .description(
      'Lifetime of the device-bound session cookie; each refresh needs a proof from the device (default 300)',
    )
    .option('--org <name>', 'organisation (default: the only one)')
    .action(async (seconds: string, opts: { org?: string }, cmd: Command) => {
      const a = await actions();
      await runAdmin(
        cmd,
        (db, now) => a.setOrgSessionRefresh(db, now, /^\d+$/.test(seconds) ? Number(seconds) : Number.NaN, opts.org),
        (r: { organisation: string; sessionRefreshSeconds: number }) =>
          `Sessions of ${r.organisation} refresh every ${r.sessionRefreshSeconds} s.`,
      );
    });

  const policy = admin.command('policy').description('Device posture rules, re-checked at every session refresh');
  const posture = () => import('../posture/postureAdminActions.js');
  policy
    .command('set <rule>')
    .description('Add or change a rule: os-version, disk-encryption, firewall, screen-lock')
    .requiredOption('--mode <mode>', 'report (record only), warn (banner, then block after the grace period) or block')
    .option('--min-version <version>', 'os-version: the lowest accepted version, e.g. 13 or 22.04')
    .option('--grace-days <days>', 'warn: days from the first failure until the rule blocks (default 7)')
    .option('--org <name>', 'organisation (default: the only one)')
    .action(
      async (
        rule: string,
        opts: { mode: string; minVersion?: string; graceDays?: string; org?: string },
        cmd: Command,
      ) => {
        const p = await posture();
        await runAdmin(
          cmd,
          (db, now) =>
            p.policySet(db, now, {
              rule,
              mode: opts.mode,
              ...(opts.minVersion !== undefined ? { minVersion: opts.minVersion } : {}),
              ...(opts.graceDays !== undefined
                ? { graceDays: /^\d+$/.test(opts.graceDays) ? Number(opts.graceDays) : Number.NaN }
                : {}),
              ...(opts.org ? { orgName: opts.org } : {}),
            }),
          (r: { rule: string; mode: string; organisation: string }) =>
            `Posture rule ${r.rule} is ${r.mode} for ${r.organisation}.`,
        );
      },
    );
  policy
    .command('list')
    .option('--org <name>', 'organisation (default: the only one)')
    .action(async (opts: { org?: string }, cmd: Command) => {
      const p = await posture();
      await runAdmin(
        cmd,
        (db, now) => p.policyList(db, now, opts.org),
        (rows: Record<string, unknown>[]) => table(rows, ['rule', 'mode', 'minVersion', 'graceDays']),
      );
    });
  policy
    .command('remove <rule>')
    .option('--org <name>', 'organisation (default: the only one)')
    .action(async (rule: string, opts: { org?: string }, cmd: Command) => {
      const p = await posture();
      await runAdmin(
        cmd,
        (db, now) => p.policyRemove(db, now, rule, opts.org),
        () => `Removed posture rule ${rule}.`,
      );
    });

  const user = admin.command('user').description('Users');
  user
    .command('add <email>')
    .description(
      'Add a user; with --mfa prints the TOTP otpauth:// URI once. The password is asked for (hidden) on a terminal, else read from standard input',
    )
    .option('--password-file <file>', "read the initial password from FILE ('-': standard input)")
    .option('--password <password>', 'initial password (discouraged: visible to other users and in shell history)')
    .option('--mfa', 'create a TOTP secret for the user')
    .option('--org <name>', 'organisation (default: the only one)')
    .action(
      async (
        email: string,
        opts: { password?: string; passwordFile?: string; mfa?: boolean; org?: string },
        cmd: Command,
      ) => {
        const password = await readSecretOrExit(cmd, {
          label: 'password',
          argOption: '--password',
          fileOption: '--password-file',
          value: opts.password,
          file: opts.passwordFile,
        });
        const a = await actions();
        await runAdmin(
          cmd,
          (db, now) =>
            a.addUser(db, now, {
              email,
              password,
              mfa: Boolean(opts.mfa),
              ...(opts.org ? { orgName: opts.org } : {}),
            }),
          (r: { email: string; organisation: string; otpauthUri?: string }) =>
            `Added ${r.email} to ${r.organisation}.${r.otpauthUri ? `\nTOTP (shown once; add it to Protect or an authenticator app):\n${r.otpauthUri}` : ''}`,
        );
      },
    );
  user.command('list').action(async (_opts: unknown, cmd: Command) => {
    const a = await actions();
    await runAdmin(
      cmd,
      (db) => a.userList(db),
      (rows: Record<string, unknown>[]) => table(rows, ['id', 'email', 'organisation', 'mfa', 'createdAt']),
    );
  });

  admin
    .command('enrollment-token')
    .description('Device enrollment tokens')
    .command('create')
    .description('Create a single-use token for `keybound device enroll`')
    .option('--org <name>', 'organisation (default: the only one)')
    .action(async (opts: { org?: string }, cmd: Command) => {
      const a = await actions();
      await runAdmin(
        cmd,
        (db, now) => a.newEnrollmentToken(db, now, opts.org),
        (r: { token: string; expiresAt: string }) => `${r.token}\n(single use, expires ${r.expiresAt})`,
      );
    });

  const device = admin.command('device').description('The device inventory');
  device.command('list').action(async (_opts: unknown, cmd: Command) => {
    const a = await actions();
    await runAdmin(
      cmd,
      (db, now) => a.deviceList(db, now),
      (rows: Record<string, unknown>[]) =>
        table(
          rows.map((r) => ({ ...r, keyProtection: describeProtection(r) })),
          ['id', 'name', 'platform', 'enrollmentType', 'keyProtection', 'enrolledAt', 'revokedAt', 'posture'],
        ),
    );
  });
  device.command('revoke <id>').action(async (id: string, _opts: unknown, cmd: Command) => {
    const a = await actions();
    await runAdmin(
      cmd,
      (db, now) => a.deviceRevoke(db, now, id),
      (r: { appSessionsRevoked: number; noticesQueued: number }) =>
        `Revoked device ${id}: ${r.appSessionsRevoked} SSO app session(s) revoked, ${r.noticesQueued} notice(s) queued for the apps; its portal sessions end at their next refresh.`,
    );
  });

  const credential = admin.command('credential').description('Device sign-in credentials');
  credential.command('list').action(async (_opts: unknown, cmd: Command) => {
    const a = await actions();
    await runAdmin(
      cmd,
      (db) => a.credentialList(db),
      (rows: Record<string, unknown>[]) =>
        table(rows, ['id', 'user', 'deviceId', 'counter', 'createdAt', 'lastUsedAt']),
    );
  });
  credential.command('delete <id>').action(async (id: string, _opts: unknown, cmd: Command) => {
    const a = await actions();
    await runAdmin(
      cmd,
      (db, now) => a.credentialDelete(db, now, id),
      (r: { appSessionsRevoked: number; noticesQueued: number }) =>
        `Deleted credential ${id}: ${r.appSessionsRevoked} SSO app session(s) revoked, ${r.noticesQueued} notice(s) queued for the apps.`,
    );
  });

  admin
    .command('audit')
    .description('The audit trail')
    .option('--since <time>', 'ISO date, epoch ms, or 30m/2h/7d ago')
    .action(async (opts: { since?: string }, cmd: Command) => {
      const a = await actions();
      await runAdmin(
        cmd,
        (db, now) => a.auditList(db, now, opts.since),
        (rows: { at: string; event: string; actor: string; details: unknown }[]) =>
          rows.length === 0
            ? '(none)'
            : rows.map((r) => `${r.at}  ${r.event}  ${r.actor}  ${JSON.stringify(r.details)}`).join('\n'),
      );
    });

  // SSO apps: `admin app add|assign|list` (the OIDC part's portal/src/cli/appCommands.ts).
  registerAppCommands(admin);
  // Where CAEP events go: `admin ssf receiver add|list|remove` (revocation to SSO apps, issue 11).
  registerSsfCommands(admin);
}

/** `tpm (Infineon SLB9670)` or `software`, for the device table. */
function describeProtection(row: Record<string, unknown>): string {
  const tpm = row.tpm as { manufacturer: string | null; model: string | null } | null;
  return tpm ? `tpm (${[tpm.manufacturer, tpm.model].filter(Boolean).join(' ')})` : 'software';
}
