/**
 * Opens everything the daemon keeps in its data dir and wires the device side together. The
 * daemon (through openDeviceSide.ts) and the device CLI call this once and `close()` at the end:
 *
 *   const state = await openDaemonState({ dataDir, device: 'emulator', logger });
 *   const authenticator = state.createAuthenticator(protectQueue);   // a UserVerifier
 *   state.device.uninstallProtect(); state.pairings.put(...); state.audit.record(...);
 *
 * Files: install.secret (0600), keys/<ref>.key (sealed, 0600), credentials.db (SQLite, 0600),
 * pairings.sealed, totp.sealed, device.json, audit.log (all 0600). The data dir is 0700.
 */
import { chmod, mkdir } from 'node:fs/promises';
import type { CryptoProvider } from '../../shared/crypto/index.js';
import { defaultCrypto } from '../../shared/crypto/index.js';
import type { Logger } from '../../shared/node/createLogger.js';
import type { AuditLog } from './audit/AuditLog.js';
import { AUDIT_FILE, FileAuditLog } from './audit/FileAuditLog.js';
import type { AuthenticatorApi } from './authenticator/AuthenticatorApi.js';
import { createAuthenticator } from './authenticator/createAuthenticator.js';
import { DeviceControl } from './device/DeviceControl.js';
import type { DeviceProfileSource } from './device/deviceProfile.js';
import { EmulatedProfileSource } from './device/EmulatedProfileSource.js';
import { HostProfileSource } from './device/host/HostProfileSource.js';
import { FileKeyStore } from './keys/FileKeyStore.js';
import type { KeyStore } from './keys/KeyStore.js';
import { createMachineSealer } from './keys/MachineSealer.js';
import { hostMachineIdentity, type MachineIdentity } from './keys/machineIdentity.js';
import { type KeyStoreChoice, openKeyStore } from './keys/openKeyStore.js';
import type { PairingStore } from './pairing/PairingStore.js';
import type { UserVerifier } from './protect/UserVerifier.js';
import { SessionKeyFile } from './sessions/SessionKeyFile.js';
import { CREDENTIALS_FILE, CredentialStore } from './storage/CredentialStore.js';
import { SealedPairingStore } from './storage/SealedPairingStore.js';
import { damagedStandIn } from './storage/stateCorrupt.js';
import { sweepCrashLeftovers } from './storage/sweepCrashLeftovers.js';
import { TotpStore } from './storage/TotpStore.js';

export interface DaemonStateOptions {
  dataDir: string;
  /** `emulator`: device.json is the whole profile. `host`: enrollment read from the OS. */
  device: 'emulator' | 'host';
  logger: Logger;
  crypto?: CryptoProvider;
  now?: () => Date;
  /** Tests pretend to be another machine or user; defaults to node-machine-id and the OS user. */
  machineIdentity?: MachineIdentity;
  /** Replaces the file key store (e.g. MemoryKeyStore in tests, a hardware backend later). */
  keyStore?: KeyStore;
  /** Which key store (`--key-store`): `auto` (default) takes a TPM when one answers. */
  keyStoreChoice?: KeyStoreChoice;
  /** The TPM's address (`--tpm`): `swtpm:127.0.0.1:PORT` or a device path; else KEYBOUND_TPM, /dev/tpmrm0. */
  tpm?: string;
  /** For enrollments with a portal (tests inject their own). */
  fetch?: typeof fetch;
  /** Remove crash leftovers (sweepCrashLeftovers) — only the daemon, never a CLI process, sets this. */
  sweep?: boolean;
  /**
   * The audit log, when the caller opened it first (the daemon does, so Protect can record
   * before the rest is open); the caller then closes it. Otherwise audit.log is opened here.
   */
  audit?: FileAuditLog;
}

export interface DaemonState {
  readonly dataDir: string;
  readonly profile: DeviceProfileSource;
  readonly keyStore: KeyStore;
  readonly credentials: CredentialStore;
  readonly totp: TotpStore;
  readonly pairings: SealedPairingStore & PairingStore;
  readonly audit: AuditLog & { close(): void };
  /** Device and Protect operations for the CLI and the control socket. */
  readonly device: DeviceControl;
  /** The protocol's device side, with Protect (`verifier`) doing user verification. */
  createAuthenticator(verifier: UserVerifier): AuthenticatorApi;
  /** Releases counter reservations, closes the credential database and the audit log it opened. Idempotent. */
  close(): Promise<void>;
}

export async function openDaemonState(options: DaemonStateOptions): Promise<DaemonState> {
  const { dataDir, logger } = options;
  const crypto = options.crypto ?? defaultCrypto;
  const now = options.now ?? (() => new Date());
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700).catch(() => undefined);

  const sealer = await createMachineSealer({
    dataDir,
    identity: options.machineIdentity ?? hostMachineIdentity(),
    crypto,
  });
  let keyStore: KeyStore;
  if (options.keyStore) {
    keyStore = options.keyStore;
  } else {
    const opened = await openKeyStore({
      dataDir,
      choice: options.keyStoreChoice ?? 'auto',
      ...(options.tpm ? { tpm: options.tpm } : {}),
      sealer,
      crypto,
      now,
    });
    keyStore = opened.store;
    logger.info({ event: 'keystore.opened', keyStore: opened.kind }, `key store: ${opened.detail}`);
  }
  const profile: DeviceProfileSource =
    options.device === 'host' ? new HostProfileSource(dataDir) : new EmulatedProfileSource(dataDir);
  // A damaged file is reported (ERR_STATE_CORRUPT naming it) by whatever needs it; everything
  // else — pairing, ping, the Protect window — keeps working.
  const damaged = (file: string, err: unknown) =>
    logger.error(
      { event: 'state.damaged', code: 'ERR_STATE_CORRUPT', file, err: (err as Error).message },
      'a state file is damaged; requests that need it are refused',
    );
  const identityKeyRef = await profile.get().then(
    (p) => p.enrollment.identityKeyRef ?? null,
    (err: unknown) => damaged('device.json', err),
  );
  let credentials: CredentialStore;
  let credentialsIntact = false;
  try {
    credentials = new CredentialStore({ dataDir });
    credentialsIntact = !credentials.created;
  } catch (err) {
    damaged(CREDENTIALS_FILE, err);
    credentials = damagedStandIn<CredentialStore>(err as Error);
  }
  const totp = new TotpStore(dataDir, sealer, (n) => crypto.getRandomValues(new Uint8Array(n)));
  const pairings = new SealedPairingStore(dataDir, sealer);
  const sessionKeys = new SessionKeyFile(dataDir);
  const audit = options.audit ?? new FileAuditLog(dataDir, now, (err) => damaged(AUDIT_FILE, err));
  if (options.sweep) {
    const sessionsIntact = await sessionKeys.list().then(
      () => true,
      () => false,
    );
    const sweepKeys =
      credentialsIntact && sessionsIntact && identityKeyRef !== undefined && keyStore instanceof FileKeyStore;
    const inUse = new Set(sweepKeys ? credentials.list().map((c) => c.keyRef) : []);
    if (identityKeyRef) inUse.add(identityKeyRef);
    // Device-bound session keys are in use too (a damaged list keeps every key: never sweep blind).
    const sessionRefs = await sessionKeys.list().then(
      (keys) => keys.map((k) => k.keyRef),
      () => undefined,
    );
    for (const ref of sessionRefs ?? []) inUse.add(ref);
    const swept = await sweepCrashLeftovers({
      dataDir,
      ...(sweepKeys && keyStore instanceof FileKeyStore ? { keys: { store: keyStore, inUse } } : {}),
    });
    if (swept.tmpFiles.length + swept.orphanKeys.length > 0) {
      logger.warn(
        { event: 'state.swept', tmpFiles: swept.tmpFiles, orphanKeys: swept.orphanKeys },
        'removed what an interrupted run left behind',
      );
    }
  }
  const device = new DeviceControl({
    profile,
    keyStore,
    credentials,
    totp,
    audit,
    now,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  logger.info(
    { event: 'state.opened', device: profile.kind, credentials: credentialsIntact ? credentials.count() : undefined },
    'daemon state opened',
  );

  return {
    dataDir,
    profile,
    keyStore,
    credentials,
    totp,
    pairings,
    audit,
    device,
    createAuthenticator: (verifier) =>
      createAuthenticator({ profile, keyStore, credentials, totp, verifier, audit, logger, crypto, now, sessionKeys }),
    async close() {
      credentials.close();
      if (!options.audit) audit.close();
      await keyStore.close?.();
    },
  };
}
