/**
 * Rewrites secrets stored in clear by earlier versions (TOTP secrets, OIDC keys) in their sealed
 * form, once, at open. Idempotent: sealed values are left alone.
 */
import type Database from 'better-sqlite3';
import { isSealed, sealSecret } from '../security/secretsAtRest.js';

export function sealLegacySecrets(db: Database.Database): number {
  const hasTable = (name: string) =>
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
  let sealed = 0;
  db.transaction(() => {
    if (hasTable('totp_secrets')) {
      const rows = db.prepare('SELECT user_id, secret FROM totp_secrets').all() as {
        user_id: string;
        secret: string;
      }[];
      const update = db.prepare('UPDATE totp_secrets SET secret = ? WHERE user_id = ?');
      for (const r of rows.filter((r) => !isSealed(r.secret))) {
        update.run(sealSecret(db, `totp:${r.user_id}`, r.secret), r.user_id);
        sealed++;
      }
    }
    if (hasTable('oidc_keys')) {
      const rows = db.prepare('SELECT kind, id, material FROM oidc_keys').all() as {
        kind: string;
        id: string;
        material: string;
      }[];
      const update = db.prepare('UPDATE oidc_keys SET material = ? WHERE kind = ? AND id = ?');
      for (const r of rows.filter((r) => !isSealed(r.material))) {
        update.run(sealSecret(db, `oidc:${r.kind}:${r.id}`, r.material), r.kind, r.id);
        sealed++;
      }
    }
  })();
  return sealed;
}
