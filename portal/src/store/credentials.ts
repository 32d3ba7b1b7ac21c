/** Device sign-in credentials: a WebAuthn public key bound to one user and one enrolled device. */
import type { PortalDb } from '../db/openDatabase.js';

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

export function getCredential(db: PortalDb, id: string): StoredCredential | undefined {
  const row = db.prepare('SELECT * FROM credentials WHERE id = ?').get(id) as CredentialRow | undefined;
  return row && toCredential(row);
}

export function listCredentials(db: PortalDb, filter: { userId?: string } = {}): StoredCredential[] {
  const rows = filter.userId
    ? db.prepare('SELECT * FROM credentials WHERE user_id = ? ORDER BY created_at').all(filter.userId)
    : db.prepare('SELECT * FROM credentials ORDER BY created_at').all();
  return (rows as CredentialRow[]).map(toCredential);
}

export function insertCredential(db: PortalDb, c: Omit<StoredCredential, 'lastUsedAt'>): void {
  db.prepare(
    'INSERT INTO credentials (id, user_id, device_id, public_key, counter, transports, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(c.id, c.userId, c.deviceId, Buffer.from(c.publicKey), c.counter, JSON.stringify(c.transports), c.createdAt);
}

/**
 * Stores the counter of a successful sign-in. Race-free: only moves the counter forward (or keeps
 * 0 for authenticators without one), so two concurrent uses of one signature cannot both pass.
 */
export function advanceCounter(db: PortalDb, id: string, counter: number, now: number): boolean {
  return (
    db
      .prepare(
        'UPDATE credentials SET counter = ?, last_used_at = ? WHERE id = ? AND (counter < ? OR (counter = 0 AND ? = 0))',
      )
      .run(counter, now, id, counter, counter).changes === 1
  );
}

export function deleteCredential(db: PortalDb, id: string): boolean {
  return db.prepare('DELETE FROM credentials WHERE id = ?').run(id).changes === 1;
}
