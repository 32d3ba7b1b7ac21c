/**
 * Puts a data dir into the state a real user's device is in before sign-ins: enrolled, Protect
 * installed (managed), opened once, notifications on, biometrics and PIN — so every prerequisite
 * passes — and optionally fills the credential store with other accounts, so sign-in latency can
 * be measured against 1 … 10,000 stored credentials without registering each through the daemon.
 */
import { openDaemonState } from '../../daemon/src/openDaemonState.js';
import type { CredentialRecord } from '../../daemon/src/storage/CredentialStore.js';
import { makeDeviceEligible } from '../../dev/makeDeviceEligible.js';
import { silentLogger } from '../../shared/node/createLogger.js';

/** Enrols the emulated device in `dataDir` and adds `fillerCredentials` rows (other portals' accounts). */
export async function prepareDevice(dataDir: string, fillerCredentials = 0, tpm?: string): Promise<void> {
  const state = await openDaemonState({
    dataDir,
    device: 'emulator',
    logger: silentLogger(),
    ...(tpm ? { keyStoreChoice: 'tpm' as const, tpm } : {}),
  });
  try {
    await makeDeviceEligible(state.device);
    if (fillerCredentials > 0) state.credentials.addMany(fillerRecords(fillerCredentials));
  } finally {
    await state.close();
  }
}

/**
 * Rows for other RPs and users. Their keys are never used (a sign-in only loads the key of the
 * credential it signs with), so `keyRef` names a key that does not exist — the point is the size
 * of the index the lookups and counter updates go through.
 */
function fillerRecords(n: number): CredentialRecord[] {
  const at = new Date(Date.UTC(2026, 0, 1)).toISOString();
  return Array.from({ length: n }, (_, i) => ({
    credentialId: Buffer.from(`filler-credential-${i}`).toString('base64url'),
    // A tenth share the benchmark's RP, as other users of the same portal on a shared device would.
    rpId: i % 10 === 0 ? 'localhost' : `rp${i % 997}.example`,
    origin: i % 10 === 0 ? 'http://localhost:3000' : `https://rp${i % 997}.example`,
    userName: `user${i}@acme.test`,
    userDisplayName: `User ${i}`,
    userHandle: Buffer.from(`user-${i}`).toString('base64url'),
    createdAt: at,
    lastUsedAt: null,
    counter: 0,
    deviceId: null,
    keyRef: Buffer.from(`missing-key-${i}`.padEnd(16, '-')).toString('base64url').slice(0, 22),
  }));
}
