/** Device sign-in credentials: a WebAuthn public key bound to one user and one enrolled device. */
import type { SqlRunner } from '../db/PortalDb.js';

export interface StoredCredential {
  id: string;
  userId: string;
  deviceId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  createdAt: number;
  lastUsedAt: number | null;
}

interface CredentialRow {
  id: string;
  user_id: string;
  device_id: string;
  public_key: Buffer;
  counter: number;
  transports: string;
  created_at: number;
  last_used_at: number | null;
}

const toCredential = (r: CredentialRow): StoredCredential => ({
  id: r.id,
  userId: r.user_id,
  deviceId: r.device_id,
  publicKey: new Uint8Array(r.public_key),
  counter: r.counter,
  transports: JSON.parse(r.transports) as string[],
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

export async function getCredential(db: SqlRunner, id: string): Promise<StoredCredential | undefined> {
  const row = await db.get<CredentialRow>('SELECT * FROM credentials WHERE id = ?', [id]);
  return row && toCredential(row);
}

export async function listCredentials(db: SqlRunner, filter: { userId?: string } = {}): Promise<StoredCredential[]> {
  const rows = filter.userId
    ? await db.all<CredentialRow>('SELECT * FROM credentials WHERE user_id = ? ORDER BY created_at, id', [
        filter.userId,
      ])
    : await db.all<CredentialRow>('SELECT * FROM credentials ORDER BY created_at, id');
  return rows.map(toCredential);
}

export async function insertCredential(db: SqlRunner, c: Omit<StoredCredential, 'lastUsedAt'>): Promise<void> {
  await db.run(
    'INSERT INTO credentials (id, user_id, device_id, public_key, counter, transports, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [c.id, c.userId, c.deviceId, Buffer.from(c.publicKey), c.counter, JSON.stringify(c.transports), c.createdAt],
  );
}

/**
 * Stores the counter of a successful sign-in. Race-free: only moves the counter forward (or keeps
 * 0 for authenticators without one), so two concurrent uses of one signature cannot both pass.
 */
export async function advanceCounter(db: SqlRunner, id: string, counter: number, now: number): Promise<boolean> {
  const { changes } = await db.run(
    'UPDATE credentials SET counter = ?, last_used_at = ? WHERE id = ? AND (counter < ? OR (counter = 0 AND ? = 0))',
    [counter, now, id, counter, counter],
  );
  return changes === 1;
}

export async function deleteCredential(db: SqlRunner, id: string): Promise<boolean> {
  return (await db.run('DELETE FROM credentials WHERE id = ?', [id])).changes === 1;
}
