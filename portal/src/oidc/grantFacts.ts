/**
 * Facts about the sign-in behind an OIDC grant that oidc-provider has no field for — whether the
 * device was trusted — recorded when the portal's interaction creates the grant and read when
 * the ID token and userinfo are built. Rows expire with the grant and go when it is revoked.
 */
import type { SqlRunner } from '../db/PortalDb.js';
import type { SignInMethod } from '../store/sessions.js';

export interface GrantFacts {
  grantId: string;
  userId: string;
  method: SignInMethod;
  deviceTrusted: boolean;
}

export async function saveGrantFacts(db: SqlRunner, facts: GrantFacts, now: number, ttlSeconds: number): Promise<void> {
  await db.run(
    `INSERT INTO oidc_grant_facts (grant_id, user_id, method, device_trusted, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (grant_id) DO UPDATE SET user_id = excluded.user_id, method = excluded.method,
       device_trusted = excluded.device_trusted, expires_at = excluded.expires_at`,
    [facts.grantId, facts.userId, facts.method, facts.deviceTrusted ? 1 : 0, now, now + ttlSeconds * 1000],
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
