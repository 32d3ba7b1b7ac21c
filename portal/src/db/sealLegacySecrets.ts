/**
 * Rewrites secrets stored in clear by earlier versions (TOTP secrets, OIDC keys) in their sealed
 * form, once, at open. Idempotent: sealed values are left alone.
 */
import { isSealed, sealSecret } from '../security/secretsAtRest.js';
import type { PortalDb, SqlRunner } from './PortalDb.js';

async function hasTable(db: PortalDb, tx: SqlRunner, name: string): Promise<boolean> {
  const sql =
    db.dialect === 'postgres'
      ? 'SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?'
      : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?";
  return (await tx.get(sql, [name])) !== undefined;
}

export async function sealLegacySecrets(db: PortalDb): Promise<number> {
  let sealed = 0;
  await db.transaction(async (tx) => {
    if (await hasTable(db, tx, 'totp_secrets')) {
      const rows = await tx.all<{ user_id: string; secret: string }>('SELECT user_id, secret FROM totp_secrets');
      for (const r of rows.filter((r) => !isSealed(r.secret))) {
        await tx.run('UPDATE totp_secrets SET secret = ? WHERE user_id = ?', [
          sealSecret(db, `totp:${r.user_id}`, r.secret),
          r.user_id,
        ]);
        sealed++;
      }
    }
    if (await hasTable(db, tx, 'oidc_keys')) {
      const rows = await tx.all<{ kind: string; id: string; material: string }>(
        'SELECT kind, id, material FROM oidc_keys',
      );
      for (const r of rows.filter((r) => !isSealed(r.material))) {
        await tx.run('UPDATE oidc_keys SET material = ? WHERE kind = ? AND id = ?', [
          sealSecret(db, `oidc:${r.kind}:${r.id}`, r.material),
          r.kind,
          r.id,
        ]);
        sealed++;
      }
    }
  });
  return sealed;
}
