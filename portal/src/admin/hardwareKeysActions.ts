/**
 * `keybound admin org set hardware-keys required|preferred|off` (issue 10): whether device
 * sign-in keys must be in a TPM. `required`: registration from a software key store is refused
 * and Device Trust treats existing software credentials as untrusted; `preferred`: both are
 * accepted, the inventory shows which is which; `off`: key protection is recorded only.
 */
import { PortalError } from '../../../shared/errors.js';
import type { PortalDb, SqlRunner } from '../db/PortalDb.js';
import { audit } from '../store/audit.js';
import { deviceKeyProtection, type HardwareKeysPolicy, setHardwareKeysPolicy } from '../store/keyProtection.js';
import { resolveOrganisation } from './adminActions.js';

const POLICIES: readonly HardwareKeysPolicy[] = ['required', 'preferred', 'off'];

export async function setOrgHardwareKeys(db: PortalDb, now: number, policy: string, orgName?: string) {
  if (!POLICIES.includes(policy as HardwareKeysPolicy)) {
    throw new PortalError('ERR_BAD_REQUEST', `Hardware keys policy "${policy}", expected required, preferred or off`);
  }
  const org = await resolveOrganisation(db, now, orgName);
  await setHardwareKeysPolicy(db, org.id, policy as HardwareKeysPolicy);
  await audit(
    db,
    { event: 'admin.org.hardware-keys', actor: 'admin:cli', orgId: org.id, details: { hardwareKeys: policy } },
    now,
  );
  return { organisation: org.name, hardwareKeys: policy as HardwareKeysPolicy };
}

/** A device's key protection for the inventory: `tpm` with the verified manufacturer and model, or `software`. */
export async function keyProtectionOf(db: SqlRunner, deviceId: string) {
  const p = await deviceKeyProtection(db, deviceId);
  return {
    keyProtection: p.keyProtection,
    tpm: p.keyProtection === 'tpm' ? { manufacturer: p.manufacturer, model: p.model } : null,
  };
}
