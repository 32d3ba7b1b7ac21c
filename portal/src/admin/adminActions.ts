/**
 * What `keybound admin` does, as plain functions over the database (the CLI only parses and
 * prints). Every change is audited with actor `admin:cli`. Results are JSON-ready objects; no
 * function returns a secret except the one-time outputs it exists for (TOTP URI, enrollment token).
 */
import { PortalError } from '../../../shared/errors.js';
import type { PortalDb, SqlRunner } from '../db/PortalDb.js';
import { postureReport } from '../posture/postureReport.js';
import { enqueueRevocation } from '../revocation/enqueueRevocation.js';
import { hashPassword } from '../security/passwordHash.js';
import { newTotpSecret, totpUri } from '../security/totp.js';
import { audit, listAudit } from '../store/audit.js';
import { deleteCredential, getCredential, listCredentials } from '../store/credentials.js';
import { getDevice, listDevices, revokeDevice } from '../store/devices.js';
import { createEnrollmentToken } from '../store/enrollmentTokens.js';
import { hardwareKeysPolicy } from '../store/keyProtection.js';
import {
  defaultOrganisation,
  findOrganisationByName,
  listOrganisations,
  type Organisation,
  setDeviceTrust,
  setMfaRequired,
  setSessionRefreshSeconds,
} from '../store/organisations.js';
import { findUserInOrg, getUser, insertUser, listUsers, setTotpSecret } from '../store/users.js';
import { keyProtectionOf } from './hardwareKeysActions.js';

const ACTOR = 'admin:cli';

/** The organisation named `name`, or the default one. Unknown names are an error, not created. */
export async function resolveOrganisation(db: SqlRunner, now: number, name?: string): Promise<Organisation> {
  if (!name) return defaultOrganisation(db, now);
  const org = await findOrganisationByName(db, name);
  if (!org) throw new PortalError('ERR_NOT_FOUND', `No organisation named "${name}"`);
  return org;
}

export async function setOrgDeviceTrust(db: PortalDb, now: number, on: boolean, orgName?: string) {
  const org = await resolveOrganisation(db, now, orgName);
  await setDeviceTrust(db, org.id, on);
  await audit(db, { event: 'admin.org.device-trust', actor: ACTOR, orgId: org.id, details: { deviceTrust: on } }, now);
  return { organisation: org.name, deviceTrust: on };
}

export async function setOrgMfa(db: PortalDb, now: number, required: boolean, orgName?: string) {
  const org = await resolveOrganisation(db, now, orgName);
  await setMfaRequired(db, org.id, required);
  await audit(db, { event: 'admin.org.mfa', actor: ACTOR, orgId: org.id, details: { mfaRequired: required } }, now);
  return { organisation: org.name, mfaRequired: required };
}

/** Bound-session cookie lifetime: each DBSC refresh renews it (issue 11). */
export const SESSION_REFRESH_RANGE = { min: 5, max: 86_400 } as const;

export async function setOrgSessionRefresh(db: PortalDb, now: number, seconds: number, orgName?: string) {
  if (!Number.isInteger(seconds) || seconds < SESSION_REFRESH_RANGE.min || seconds > SESSION_REFRESH_RANGE.max) {
    throw new PortalError(
      'ERR_BAD_REQUEST',
      `Session refresh must be a whole number of seconds from ${SESSION_REFRESH_RANGE.min} to ${SESSION_REFRESH_RANGE.max}, got "${seconds}"`,
    );
  }
  const org = await resolveOrganisation(db, now, orgName);
  await setSessionRefreshSeconds(db, org.id, seconds);
  await audit(db, { event: 'admin.org.session-refresh', actor: ACTOR, orgId: org.id, details: { seconds } }, now);
  return { organisation: org.name, sessionRefreshSeconds: seconds };
}

export async function showOrganisation(db: PortalDb, now: number, orgName?: string) {
  const org = await resolveOrganisation(db, now, orgName);
  return {
    id: org.id,
    name: org.name,
    deviceTrust: org.deviceTrust,
    mfaRequired: org.mfaRequired,
    sessionRefreshSeconds: org.sessionRefreshSeconds,
    hardwareKeys: await hardwareKeysPolicy(db, org.id),
  };
}

/** Adds a user; with `mfa`, creates a TOTP secret and returns its otpauth:// URI (shown once). */
export async function addUser(
  db: PortalDb,
  now: number,
  input: { email: string; password: string; mfa?: boolean; orgName?: string; totpSecret?: string },
) {
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@<>"]+@[^\s@<>"]+$/.test(email) || email.length > 254) {
    throw new PortalError('ERR_BAD_REQUEST', `"${input.email}" is not an email address`);
  }
  if (input.password.length < 8 || input.password.length > 1024) {
    throw new PortalError('ERR_BAD_REQUEST', 'The password must have 8 to 1024 characters');
  }
  const org = await resolveOrganisation(db, now, input.orgName);
  if (await findUserInOrg(db, org.id, email))
    throw new PortalError('ERR_CONFLICT', `A user "${email}" already exists in ${org.name}`);
  const passwordHash = await hashPassword(input.password);
  const secret = input.mfa ? (input.totpSecret ?? newTotpSecret()) : undefined;
  const user = await db.transaction(async (tx) => {
    const created = await insertUser(tx, { orgId: org.id, email, passwordHash, now });
    if (secret) await setTotpSecret(tx, created.id, secret, now);
    await audit(
      tx,
      {
        event: 'admin.user.add',
        actor: ACTOR,
        orgId: org.id,
        userId: created.id,
        details: { email, mfa: Boolean(secret) },
      },
      now,
    );
    return created;
  });
  return {
    id: user.id,
    email: user.email,
    organisation: org.name,
    mfa: Boolean(secret),
    ...(secret ? { otpauthUri: totpUri(secret, email) } : {}),
  };
}

/** Organisation names by id, read once for a listing. */
async function orgNames(db: SqlRunner): Promise<Map<string, string>> {
  return new Map((await listOrganisations(db)).map((o) => [o.id, o.name]));
}

export async function userList(db: PortalDb) {
  const names = await orgNames(db);
  return (await listUsers(db)).map((u) => ({
    id: u.id,
    email: u.email,
    organisation: names.get(u.orgId) ?? u.orgId,
    mfa: u.hasTotp,
    createdAt: new Date(u.createdAt).toISOString(),
  }));
}

export async function newEnrollmentToken(db: PortalDb, now: number, orgName?: string) {
  const org = await resolveOrganisation(db, now, orgName);
  const { token, expiresAt } = await createEnrollmentToken(db, org.id, now);
  await audit(db, { event: 'admin.enrollment-token.create', actor: ACTOR, orgId: org.id, details: { expiresAt } }, now);
  return { token, organisation: org.name, expiresAt: new Date(expiresAt).toISOString() };
}

export async function deviceList(db: PortalDb, now = Date.now()) {
  const names = await orgNames(db);
  const devices = await listDevices(db);
  const postures = await Promise.all(devices.map((d) => postureSummary(db, d.orgId, d.id, now)));
  const protections = await Promise.all(devices.map((d) => keyProtectionOf(db, d.id)));
  return devices.map((d, i) => ({
    id: d.id,
    name: d.name,
    platform: d.platform,
    enrollmentType: d.enrollmentType,
    organisation: names.get(d.orgId) ?? d.orgId,
    enrolledAt: new Date(d.enrolledAt).toISOString(),
    revokedAt: d.revokedAt === null ? null : new Date(d.revokedAt).toISOString(),
    posture: postures[i] as string,
    ...(protections[i] as Awaited<ReturnType<typeof keyProtectionOf>>),
  }));
}

/** One word or list for the device list: "ok", "not reported", or the failing rules with their modes. */
async function postureSummary(db: PortalDb, orgId: string, deviceId: string, now: number): Promise<string> {
  const report = await postureReport(db, orgId, deviceId, now);
  if (report.reportedAt === null) return 'not reported';
  const failing = report.outcomes.filter((o) => o.state !== 'pass');
  return failing.length === 0
    ? 'ok'
    : failing.map((o) => `${o.rule} ${o.state} (${o.blocking ? 'blocked' : o.mode})`).join(', ');
}

/**
 * Revokes a device: its sessions lose trust at once, its credentials stop signing in, its portal
 * sessions end at their next refresh, and the SSO apps are told (back-channel logout, CAEP), in
 * the same transaction as the revocation (revocation/enqueueRevocation.ts).
 */
export async function deviceRevoke(db: PortalDb, now: number, id: string) {
  const device = await getDevice(db, id);
  if (!device) throw new PortalError('ERR_NOT_FOUND', `No device "${id}"`);
  const notified = await db.transaction(async (tx) => {
    if (!(await revokeDevice(tx, id, now))) throw new PortalError('ERR_CONFLICT', `Device "${id}" is already revoked`);
    await audit(tx, { event: 'admin.device.revoke', actor: ACTOR, orgId: device.orgId, deviceId: id }, now);
    return enqueueRevocation(tx, { kind: 'device-revoked', orgId: device.orgId, deviceId: id }, now);
  });
  return {
    id,
    revoked: true,
    appSessionsRevoked: notified.grants,
    noticesQueued: notified.backchannelLogout + notified.caep,
  };
}

export async function credentialList(db: PortalDb) {
  const emails = new Map((await listUsers(db)).map((u) => [u.id, u.email]));
  return (await listCredentials(db)).map((c) => ({
    id: c.id,
    user: emails.get(c.userId) ?? c.userId,
    deviceId: c.deviceId,
    counter: c.counter,
    createdAt: new Date(c.createdAt).toISOString(),
    lastUsedAt: c.lastUsedAt === null ? null : new Date(c.lastUsedAt).toISOString(),
  }));
}

/**
 * Deletes a credential: sessions made with it lose trust at once and end at their next refresh;
 * the device must register again; the SSO apps' sessions from it are revoked and the apps told.
 */
export async function credentialDelete(db: PortalDb, now: number, id: string) {
  const credential = await getCredential(db, id);
  if (!credential) throw new PortalError('ERR_NOT_FOUND', `No credential "${id}"`);
  const user = await getUser(db, credential.userId);
  const notified = await db.transaction(async (tx) => {
    if (!(await deleteCredential(tx, id))) throw new PortalError('ERR_NOT_FOUND', `No credential "${id}"`);
    await audit(
      tx,
      {
        event: 'admin.credential.delete',
        actor: ACTOR,
        orgId: user?.orgId ?? null,
        userId: credential.userId,
        deviceId: credential.deviceId,
        details: { credentialId: id },
      },
      now,
    );
    if (!user) return { grants: 0, backchannelLogout: 0, caep: 0 };
    return enqueueRevocation(
      tx,
      {
        kind: 'credential-deleted',
        orgId: user.orgId,
        credentialId: id,
        userId: credential.userId,
        deviceId: credential.deviceId,
      },
      now,
    );
  });
  return {
    id,
    deleted: true,
    appSessionsRevoked: notified.grants,
    noticesQueued: notified.backchannelLogout + notified.caep,
  };
}

/** `since`: epoch ms, an ISO date, or a duration back from now (`30m`, `2h`, `7d`). */
export function parseSince(since: string | undefined, now: number): number {
  if (since === undefined) return 0;
  const rel = /^(\d+)([smhd])$/.exec(since);
  if (rel)
    return now - Number(rel[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 's' | 'm' | 'h' | 'd'];
  if (/^\d+$/.test(since)) return Number(since);
  const parsed = Date.parse(since);
  if (Number.isNaN(parsed))
    throw new PortalError(
      'ERR_BAD_REQUEST',
      `--since "${since}" is not a time (use an ISO date, epoch ms, or 30m/2h/7d)`,
    );
  return parsed;
}

export async function auditList(db: PortalDb, now: number, since?: string) {
  return (await listAudit(db, { since: parseSince(since, now) })).map((e) => ({
    ...e,
    at: new Date(e.at).toISOString(),
  }));
}
