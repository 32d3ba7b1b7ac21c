/**
 * Facts about the sign-in behind an OIDC grant that oidc-provider has no field for — whether the
 * device was trusted, which client, device and credential it came from — recorded when the
 * portal's interaction creates the grant and read when the ID token and userinfo are built, and
 * when a revocation looks for the grants a revoked device holds (revocation/enqueueRevocation.ts).
 * The `sid` the client's ID token carries is added when its authorization code is saved
 * (createStoreAdapter). Rows expire with the grant and go when it is revoked.
 */
import type { SqlRunner } from '../db/PortalDb.js';
import type { SignInMethod } from '../store/sessions.js';

export interface GrantFacts {
  grantId: string;
  userId: string;
  method: SignInMethod;
  deviceTrusted: boolean;
  clientId?: string;
  deviceId?: string | null;
  credentialId?: string | null;
}

export async function saveGrantFacts(db: SqlRunner, facts: GrantFacts, now: number, ttlSeconds: number): Promise<void> {
  await db.run(
    `INSERT INTO oidc_grant_facts (grant_id, user_id, method, device_trusted, client_id, device_id, credential_id,
       created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (grant_id) DO UPDATE SET user_id = excluded.user_id, method = excluded.method,
       device_trusted = excluded.device_trusted, client_id = excluded.client_id, device_id = excluded.device_id,
       credential_id = excluded.credential_id, expires_at = excluded.expires_at`,
    [
      facts.grantId,
      facts.userId,
      facts.method,
      facts.deviceTrusted ? 1 : 0,
      facts.clientId ?? null,
      facts.deviceId ?? null,
      facts.credentialId ?? null,
      now,
      now + ttlSeconds * 1000,
    ],
  );
}

export async function findGrantFacts(db: SqlRunner, grantId: string, now: number): Promise<GrantFacts | undefined> {
  const row = await db.get<{ grant_id: string; user_id: string; method: SignInMethod; device_trusted: number }>(
    'SELECT * FROM oidc_grant_facts WHERE grant_id = ? AND expires_at > ?',
    [grantId, now],
  );
  return (
    row && { grantId: row.grant_id, userId: row.user_id, method: row.method, deviceTrusted: row.device_trusted === 1 }
  );
}

/** Records the `sid` oidc-provider put in the grant's authorization code (and so its ID token). */
export async function recordGrantSid(db: SqlRunner, grantId: string, sid: string): Promise<void> {
  await db.run('UPDATE oidc_grant_facts SET sid = ? WHERE grant_id = ?', [sid, grantId]);
}
