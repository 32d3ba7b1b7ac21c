/**
 * SSF receivers: where the portal pushes CAEP Security Event Tokens (RFC 8935 push delivery), per
 * organisation. A receiver may be tied to one SSO app: its SETs then name that app's session
 * (`sid`) beside the user and device, so the app can end exactly that session.
 */
import type { SqlRunner } from '../db/PortalDb.js';

export interface SsfReceiver {
  id: string;
  orgId: string;
  endpointUrl: string;
  /** The `aud` of every SET sent to it. */
  audience: string;
  /** The app it belongs to (apps.id), or null for an organisation-wide receiver. */
  appId: string | null;
  createdAt: number;
}

interface ReceiverRow {
  id: string;
  org_id: string;
  endpoint_url: string;
  audience: string;
  app_id: string | null;
  created_at: number;
}

const toReceiver = (r: ReceiverRow): SsfReceiver => ({
  id: r.id,
  orgId: r.org_id,
  endpointUrl: r.endpoint_url,
  audience: r.audience,
  appId: r.app_id,
  createdAt: r.created_at,
});

export async function insertSsfReceiver(db: SqlRunner, r: SsfReceiver): Promise<void> {
  await db.run(
    'INSERT INTO ssf_receivers (id, org_id, endpoint_url, audience, app_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    [r.id, r.orgId, r.endpointUrl, r.audience, r.appId, r.createdAt],
  );
}

export async function listSsfReceivers(db: SqlRunner, orgId?: string): Promise<SsfReceiver[]> {
  const rows = orgId
    ? await db.all<ReceiverRow>('SELECT * FROM ssf_receivers WHERE org_id = ? ORDER BY created_at, id', [orgId])
    : await db.all<ReceiverRow>('SELECT * FROM ssf_receivers ORDER BY created_at, id');
  return rows.map(toReceiver);
}

/** The receiver with this id or endpoint URL in the organisation, if any. */
export async function findSsfReceiver(db: SqlRunner, orgId: string, idOrUrl: string): Promise<SsfReceiver | undefined> {
  const row = await db.get<ReceiverRow>(
    'SELECT * FROM ssf_receivers WHERE org_id = ? AND (id = ? OR endpoint_url = ?)',
    [orgId, idOrUrl, idOrUrl],
  );
  return row && toReceiver(row);
}

export async function deleteSsfReceiver(db: SqlRunner, id: string): Promise<boolean> {
  return (await db.run('DELETE FROM ssf_receivers WHERE id = ?', [id])).changes === 1;
}
