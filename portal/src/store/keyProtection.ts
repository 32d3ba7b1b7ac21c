/**
 * Key protection in the inventory (issue 10): per device (`tpm` with the verified manufacturer and
 * model and the activated AK, or `software`), per credential, and the organisation's hardware-keys
 * policy. Pending TPM activations live in tpmActivations.ts.
 */
import type { SqlRunner } from '../db/PortalDb.js';

export type KeyProtection = 'tpm' | 'software';
export type HardwareKeysPolicy = 'required' | 'preferred' | 'off';

export interface DeviceKeyProtection {
  keyProtection: KeyProtection;
  manufacturer: string | null;
  model: string | null;
  akPublicJwk: JsonWebKey | null;
}

/** What a session line shows: where the key the session signed in with lives. */
export interface SessionKeyProtection {
  keyProtection: KeyProtection;
  manufacturer: string | null;
  model: string | null;
}

export async function recordTpmDevice(
  db: SqlRunner,
  deviceId: string,
  tpm: { manufacturer: string; model: string; akPublicJwk: JsonWebKey },
): Promise<void> {
  await db.run(
    "UPDATE devices SET key_protection = 'tpm', tpm_manufacturer = ?, tpm_model = ?, ak_public_jwk = ? WHERE id = ?",
    [tpm.manufacturer, tpm.model, JSON.stringify(tpm.akPublicJwk), deviceId],
  );
}

export async function deviceKeyProtection(db: SqlRunner, deviceId: string): Promise<DeviceKeyProtection> {
  const row = await db.get<{
    key_protection: KeyProtection;
    tpm_manufacturer: string | null;
    tpm_model: string | null;
    ak_public_jwk: string | null;
  }>('SELECT key_protection, tpm_manufacturer, tpm_model, ak_public_jwk FROM devices WHERE id = ?', [deviceId]);
  return {
    keyProtection: row?.key_protection ?? 'software',
    manufacturer: row?.tpm_manufacturer ?? null,
    model: row?.tpm_model ?? null,
    akPublicJwk: row?.ak_public_jwk ? (JSON.parse(row.ak_public_jwk) as JsonWebKey) : null,
  };
}

export async function setCredentialKeyProtection(
  db: SqlRunner,
  credentialId: string,
  protection: KeyProtection,
): Promise<void> {
  await db.run('UPDATE credentials SET key_protection = ? WHERE id = ?', [protection, credentialId]);
}

export async function credentialKeyProtection(db: SqlRunner, credentialId: string): Promise<KeyProtection> {
  const row = await db.get<{ key_protection: KeyProtection }>('SELECT key_protection FROM credentials WHERE id = ?', [
    credentialId,
  ]);
  return row?.key_protection ?? 'software';
}

export async function hardwareKeysPolicy(db: SqlRunner, orgId: string): Promise<HardwareKeysPolicy> {
  const row = await db.get<{ hardware_keys: HardwareKeysPolicy }>(
    'SELECT hardware_keys FROM organisations WHERE id = ?',
    [orgId],
  );
  return row?.hardware_keys ?? 'off';
}

export async function setHardwareKeysPolicy(db: SqlRunner, orgId: string, policy: HardwareKeysPolicy): Promise<void> {
  await db.run('UPDATE organisations SET hardware_keys = ? WHERE id = ?', [policy, orgId]);
}

/**
 * The session's key protection for its session line (home page, /api/session): where the key it
 * signed in with lives; null for a session not made by device sign-in.
 */
export async function sessionKeyProtection(
  db: SqlRunner,
  session: { credentialId: string | null; deviceId: string | null },
): Promise<SessionKeyProtection | null> {
  if (!session.credentialId || !session.deviceId) return null;
  const keyProtection = await credentialKeyProtection(db, session.credentialId);
  if (keyProtection !== 'tpm') return { keyProtection, manufacturer: null, model: null };
  const device = await deviceKeyProtection(db, session.deviceId);
  return { keyProtection, manufacturer: device.manufacturer, model: device.model };
}
