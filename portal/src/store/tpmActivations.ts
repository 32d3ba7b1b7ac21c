/**
 * Pending TPM activations (issue 10, decision 0061): the secret the portal wrapped with
 * MakeCredential, kept only as a hash bound to one EK certificate and one AK name, single use,
 * for minutes. Consumed in one DELETE … WHERE, so two instances cannot both accept it.
 */
import type { SqlRunner } from '../db/PortalDb.js';
import { hashToken } from '../security/tokens.js';

export const TPM_ACTIVATION_TTL_MS = 5 * 60_000;

/** Stores a pending activation: the secret's hash, bound to EK certificate and AK name. */
export async function issueTpmActivation(db: SqlRunner, secret: string, binding: string, now: number): Promise<void> {
  await db.run('DELETE FROM tpm_activations WHERE expires_at <= ?', [now]);
  await db.run('INSERT INTO tpm_activations (secret_hash, binding, expires_at) VALUES (?, ?, ?)', [
    hashToken(secret),
    binding,
    now + TPM_ACTIVATION_TTL_MS,
  ]);
}

/** Consumes an activation once; false when unknown, expired, used, or bound to another EK/AK. */
export async function consumeTpmActivation(
  db: SqlRunner,
  secret: string,
  binding: string,
  now: number,
): Promise<boolean> {
  const { changes } = await db.run(
    'DELETE FROM tpm_activations WHERE secret_hash = ? AND binding = ? AND expires_at > ?',
    [hashToken(secret), binding, now],
  );
  return changes === 1;
}
