/**
 * Tells the SSO apps (issue 11): when a device is revoked, a device sign-in credential is deleted,
 * a device falls out of posture policy or stops vouching for its enrollment, every OIDC grant that came from that device (or
 * credential) is revoked at once — its tokens stop working at the portal — and notices are queued
 * in the outbox, in the caller's transaction: an OIDC Back-Channel Logout token for each grant
 * whose app has a `backchannel_logout_uri`, and CAEP SETs (`session-revoked`, plus
 * `device-compliance-change` when the device itself is no longer compliant) for each SSF receiver
 * of the organisation. The portal session itself ends at its next refresh (dbscRoutes.ts).
 */
import type { SqlRunner } from '../db/PortalDb.js';
import { randomToken } from '../security/tokens.js';
import { audit } from '../store/audit.js';
import type { CaepEventType, CaepNotice, Notice } from './notices.js';
import { enqueueNotices } from './outbox.js';
import { listSsfReceivers } from './ssfReceivers.js';

export type RevocationCause =
  | { kind: 'device-revoked'; orgId: string; deviceId: string }
  | { kind: 'credential-deleted'; orgId: string; credentialId: string; userId: string; deviceId: string | null }
  | { kind: 'posture-blocked'; orgId: string; deviceId: string; userId: string; rule: string }
  | { kind: 'device-unenrolled'; orgId: string; deviceId: string; userId: string };

interface GrantRow {
  grant_id: string;
  user_id: string;
  client_id: string | null;
  device_id: string | null;
  sid: string | null;
  app_id: string | null;
  backchannel_logout_uri: string | null;
}

const GRANTS = `SELECT f.grant_id, f.user_id, f.client_id, f.device_id, f.sid, a.id AS app_id, a.backchannel_logout_uri
  FROM oidc_grant_facts f LEFT JOIN apps a ON a.client_id = f.client_id
  WHERE f.expires_at > ? AND `;

/** What the receivers read: one sentence for the admin (CAEP `reason_admin`), one for the user. */
function reasons(cause: RevocationCause): {
  admin: string;
  user: string;
  initiatingEntity: 'admin' | 'policy' | 'system';
} {
  switch (cause.kind) {
    case 'device-revoked':
      return {
        admin: `Device ${cause.deviceId} was revoked in the device inventory`,
        user: 'Your device was removed from device management.',
        initiatingEntity: 'admin',
      };
    case 'credential-deleted':
      return {
        admin: `Device sign-in credential ${cause.credentialId} was deleted`,
        user: 'Your device sign-in was deleted.',
        initiatingEntity: 'admin',
      };
    case 'posture-blocked':
      return {
        admin: `Device ${cause.deviceId} fails the posture rule ${cause.rule}`,
        user: `Your device no longer meets the organisation's ${cause.rule} rule.`,
        initiatingEntity: 'policy',
      };
    case 'device-unenrolled':
      return {
        admin: `Device ${cause.deviceId} no longer signs its posture: it left device management`,
        user: 'Your device is no longer managed by your organisation.',
        initiatingEntity: 'system',
      };
  }
}

/** Revokes the affected grants and queues the notices; returns how many of each were queued. */
export async function enqueueRevocation(
  tx: SqlRunner,
  cause: RevocationCause,
  now: number,
): Promise<{ grants: number; backchannelLogout: number; caep: number }> {
  const grants =
    cause.kind === 'credential-deleted'
      ? await tx.all<GrantRow>(`${GRANTS}f.credential_id = ?`, [now, cause.credentialId])
      : await tx.all<GrantRow>(`${GRANTS}f.device_id = ?`, [now, cause.deviceId]);
  const deviceId = cause.deviceId;
  const txn = randomToken(16);
  const why = reasons(cause);
  const notices: Notice[] = [];

  for (const g of grants) {
    if (g.backchannel_logout_uri && g.client_id) {
      notices.push({
        kind: 'backchannel-logout',
        target: g.backchannel_logout_uri,
        payload: { clientId: g.client_id, sub: g.user_id, sid: g.sid, jti: randomToken(16), txn },
      });
    }
    // The grant's tokens stop working now, whatever the app does with the notice.
    await tx.run('DELETE FROM oidc_artefacts WHERE grant_id = ?', [g.grant_id]);
    await tx.run('DELETE FROM oidc_grant_facts WHERE grant_id = ?', [g.grant_id]);
  }

  // Users whose sessions on this device end: those of the grants, the credential's owner, and for
  // a device-wide cause everyone with a device sign-in on it.
  const users = new Set(grants.map((g) => g.user_id));
  if (cause.kind !== 'device-revoked') users.add(cause.userId);
  else {
    for (const r of await tx.all<{ user_id: string }>('SELECT DISTINCT user_id FROM credentials WHERE device_id = ?', [
      deviceId,
    ]))
      users.add(r.user_id);
  }
  const events: CaepEventType[] =
    cause.kind === 'credential-deleted' ? ['session-revoked'] : ['session-revoked', 'device-compliance-change'];
  const caep = (
    receiver: { id: string; endpointUrl: string; audience: string },
    eventType: CaepEventType,
    subject: CaepNotice['payload']['subject'],
  ): CaepNotice => ({
    kind: 'caep',
    target: receiver.endpointUrl,
    payload: {
      receiverId: receiver.id,
      audience: receiver.audience,
      jti: randomToken(16),
      txn,
      eventType,
      subject,
      eventTimestamp: Math.floor(now / 1000),
      initiatingEntity: why.initiatingEntity,
      reasonAdmin: why.admin,
      reasonUser: why.user,
      ...(eventType === 'device-compliance-change'
        ? { previousStatus: 'compliant' as const, currentStatus: 'not-compliant' as const }
        : {}),
    },
  });
  for (const receiver of await listSsfReceivers(tx, cause.orgId)) {
    for (const eventType of events) {
      if (receiver.appId) {
        // An app's own receiver hears about its own sessions, each named by its `sid`.
        for (const g of grants.filter((x) => x.app_id === receiver.appId)) {
          if (eventType === 'device-compliance-change' && !deviceId) continue;
          notices.push(caep(receiver, eventType, { userId: g.user_id, deviceId, sid: g.sid }));
        }
      } else {
        for (const userId of users) notices.push(caep(receiver, eventType, { userId, deviceId, sid: null }));
      }
    }
  }

  await enqueueNotices(tx, notices, now);
  const counts = {
    grants: grants.length,
    backchannelLogout: notices.filter((n) => n.kind === 'backchannel-logout').length,
    caep: notices.filter((n) => n.kind === 'caep').length,
  };
  await audit(
    tx,
    {
      event: 'revocation.queued',
      actor:
        cause.kind === 'posture-blocked'
          ? 'portal:policy'
          : cause.kind === 'device-unenrolled'
            ? 'portal:refresh'
            : 'admin:cli',
      orgId: cause.orgId,
      userId: cause.kind === 'device-revoked' ? null : cause.userId,
      deviceId,
      details: { cause: cause.kind, txn, ...counts },
    },
    now,
  );
  return counts;
}
