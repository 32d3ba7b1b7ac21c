/**
 * oidc-provider's storage adapter over the portal's SQLite database, so that sessions,
 * interactions, codes, grants and tokens survive a restart. One table for every model
 * (`oidc_artefacts`, migration 101); the `Client` model is not stored here but read from the
 * apps table, so an app added by the admin CLI is live at once, even in a running portal.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { PortalDb } from '../db/openDatabase.js';
import { clientMetadataForApp } from './clientMetadataForApp.js';

interface ArtefactRow {
  payload: string;
  expires_at: number | null;
  consumed_at: number | null;
}

/** Returns the factory oidc-provider calls once per model name (`adapter` configuration). */
export function createSqliteAdapter(db: PortalDb, now: () => number = Date.now): (name: string) => Adapter {
  const upsert = db.prepare(
    `INSERT INTO oidc_artefacts (model, id, payload, grant_id, user_code, uid, expires_at, consumed_at)
     VALUES (@model, @id, @payload, @grantId, @userCode, @uid, @expiresAt, NULL)
     ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
       user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at`,
  );
  const byId = db.prepare('SELECT payload, expires_at, consumed_at FROM oidc_artefacts WHERE model = ? AND id = ?');
  const byUid = db.prepare('SELECT payload, expires_at, consumed_at FROM oidc_artefacts WHERE model = ? AND uid = ?');
  const byUserCode = db.prepare(
    'SELECT payload, expires_at, consumed_at FROM oidc_artefacts WHERE model = ? AND user_code = ?',
  );
  // Consume only once: a second consume keeps the first time, so a replay stays detectable.
  const consume = db.prepare(
    'UPDATE oidc_artefacts SET consumed_at = ? WHERE model = ? AND id = ? AND consumed_at IS NULL',
  );
  const destroy = db.prepare('DELETE FROM oidc_artefacts WHERE model = ? AND id = ?');
  const revokeByGrant = db.prepare('DELETE FROM oidc_artefacts WHERE grant_id = ?');
  const revokeFacts = db.prepare('DELETE FROM oidc_grant_facts WHERE grant_id = ?');
  const sweep = db.prepare('DELETE FROM oidc_artefacts WHERE expires_at IS NOT NULL AND expires_at < ?');
  const sweepFacts = db.prepare('DELETE FROM oidc_grant_facts WHERE expires_at < ?');
  let writes = 0;

  const read = (row: ArtefactRow | undefined): AdapterPayload | undefined => {
    if (!row) return undefined;
    if (row.expires_at !== null && row.expires_at <= now()) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    // oidc-provider treats a truthy `consumed` as "already used" (codes, refresh tokens).
    return row.consumed_at === null ? payload : { ...payload, consumed: Math.floor(row.consumed_at / 1000) };
  };

  return (model: string): Adapter => {
    if (model === 'Client') {
      return {
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
      };
    }
    return {
      async upsert(id, payload, expiresIn) {
        const t = now();
        upsert.run({
          model,
          id,
          payload: JSON.stringify(payload),
          grantId: payload.grantId ?? null,
          userCode: payload.userCode ?? null,
          uid: payload.uid ?? null,
          expiresAt: expiresIn ? t + expiresIn * 1000 : null,
        });
        // Sweep expired rows now and then rather than on a timer: no background work to stop.
        writes += 1;
        if (writes % 100 === 0) {
          sweep.run(t);
          sweepFacts.run(t);
        }
      },
      async find(id) {
        return read(byId.get(model, id) as ArtefactRow | undefined);
      },
      async findByUid(uid) {
        return read(byUid.get(model, uid) as ArtefactRow | undefined);
      },
      async findByUserCode(userCode) {
        return read(byUserCode.get(model, userCode) as ArtefactRow | undefined);
      },
      async consume(id) {
        consume.run(now(), model, id);
      },
      async destroy(id) {
        destroy.run(model, id);
      },
      async revokeByGrantId(grantId) {
        db.transaction(() => {
          revokeByGrant.run(grantId);
          revokeFacts.run(grantId);
        })();
      },
    };
  };
}
