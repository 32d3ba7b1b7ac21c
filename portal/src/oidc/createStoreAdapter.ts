/**
 * oidc-provider's storage adapter over the portal's store (SQLite or PostgreSQL), so that
 * sessions, interactions, codes, grants and tokens survive a restart and are shared by every
 * portal instance. One table for every model (`oidc_artefacts`, migration 101); the `Client` model
 * is not stored here but read from the apps table, so an app added by the admin CLI is live at
 * once, even in a running portal.
 */
import { type Adapter, type AdapterPayload, errors } from 'oidc-provider';
import type { PortalDb } from '../db/PortalDb.js';
import { clientMetadataForApp } from './clientMetadataForApp.js';
import { recordGrantSid } from './grantFacts.js';

interface ArtefactRow {
  payload: string;
  expires_at: number | null;
  consumed_at: number | null;
}

const UPSERT = `INSERT INTO oidc_artefacts (model, id, payload, grant_id, user_code, uid, expires_at, consumed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
     ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
       user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at`;
const BY_ID = 'SELECT payload, expires_at, consumed_at FROM oidc_artefacts WHERE model = ? AND id = ?';
const BY_UID = 'SELECT payload, expires_at, consumed_at FROM oidc_artefacts WHERE model = ? AND uid = ?';
const BY_USER_CODE = 'SELECT payload, expires_at, consumed_at FROM oidc_artefacts WHERE model = ? AND user_code = ?';
// Consume only once: the first consume wins, on this instance or any other sharing the database.
const CONSUME =
  'UPDATE oidc_artefacts SET consumed_at = ? WHERE model = ? AND id = ? AND consumed_at IS NULL RETURNING id';
const GRANT_OF = 'SELECT grant_id FROM oidc_artefacts WHERE model = ? AND id = ?';
const DESTROY = 'DELETE FROM oidc_artefacts WHERE model = ? AND id = ?';
const REVOKE_BY_GRANT = 'DELETE FROM oidc_artefacts WHERE grant_id = ?';
const REVOKE_FACTS = 'DELETE FROM oidc_grant_facts WHERE grant_id = ?';
const SWEEP = 'DELETE FROM oidc_artefacts WHERE expires_at IS NOT NULL AND expires_at < ?';
const SWEEP_FACTS = 'DELETE FROM oidc_grant_facts WHERE expires_at < ?';

const clientAdapter = (db: PortalDb): Adapter => ({
  async find(id) {
    return clientMetadataForApp(db, id);
  },
  async upsert() {
    throw new TypeError('Clients are managed with `keybound admin app add`, not through oidc-provider');
  },
  findByUid: async () => undefined,
  findByUserCode: async () => undefined,
  consume: async () => undefined,
  destroy: async () => undefined,
  revokeByGrantId: async () => undefined,
});

/** Returns the factory oidc-provider calls once per model name (`adapter` configuration). */
export function createStoreAdapter(db: PortalDb, now: () => number = Date.now): (name: string) => Adapter {
  let writes = 0;

  const read = (row: ArtefactRow | undefined): AdapterPayload | undefined => {
    if (!row) return undefined;
    if (row.expires_at !== null && row.expires_at <= now()) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    // oidc-provider treats a truthy `consumed` as "already used" (codes, refresh tokens).
    return row.consumed_at === null ? payload : { ...payload, consumed: Math.floor(row.consumed_at / 1000) };
  };

  const revokeByGrantId = (grantId: string): Promise<void> =>
    db.transaction(async (tx) => {
      await tx.run(REVOKE_BY_GRANT, [grantId]);
      await tx.run(REVOKE_FACTS, [grantId]);
    });

  return (model: string): Adapter => {
    if (model === 'Client') return clientAdapter(db);
    return {
      async upsert(id, payload, expiresIn) {
        const t = now();
        await db.run(UPSERT, [
          model,
          id,
          JSON.stringify(payload),
          payload.grantId ?? null,
          payload.userCode ?? null,
          payload.uid ?? null,
          expiresIn ? t + expiresIn * 1000 : null,
        ]);
        // The code carries the `sid` its ID token will name (apps with back-channel logout): keep
        // it with the grant, so a revocation can name this session in the logout token.
        if (model === 'AuthorizationCode' && typeof payload.sid === 'string' && payload.grantId) {
          await recordGrantSid(db, payload.grantId, payload.sid);
        }
        // Sweep expired rows now and then rather than on a timer: no background work to stop.
        writes += 1;
        if (writes % 100 === 0) {
          await db.run(SWEEP, [t]);
          await db.run(SWEEP_FACTS, [t]);
        }
      },
      async find(id) {
        return read(await db.get<ArtefactRow>(BY_ID, [model, id]));
      },
      async findByUid(uid) {
        return read(await db.get<ArtefactRow>(BY_UID, [model, uid]));
      },
      async findByUserCode(userCode) {
        return read(await db.get<ArtefactRow>(BY_USER_CODE, [model, userCode]));
      },
      /**
       * oidc-provider reads a code, sees it unused, then consumes it. Two instances can both read
       * it unused; only one wins this UPDATE. The other is refused here as a reused code, and — as
       * RFC 6749 §4.1.2 asks of a code used twice — the grant's tokens are revoked.
       */
      async consume(id) {
        if (await db.get(CONSUME, [now(), model, id])) return;
        const row = await db.get<{ grant_id: string | null }>(GRANT_OF, [model, id]);
        if (row?.grant_id) await revokeByGrantId(row.grant_id);
        throw new errors.InvalidGrant(
          `${model === 'AuthorizationCode' ? 'authorization code' : model} already consumed`,
        );
      },
      async destroy(id) {
        await db.run(DESTROY, [model, id]);
      },
      revokeByGrantId,
    };
  };
}
