/** The pairing room's seam: where paired extension installs are kept (sealed at rest by SealedPairingStore). */

/** A paired extension install, kept sealed at rest (the secret never leaves the daemon). */
export interface PairingRecord {
  installId: string;
  extensionOrigin: string;
  secret: Uint8Array<ArrayBuffer>;
  browser: string;
  pairedAt: string;
  lastSeenAt: string | null;
}

/** Storage of pairing records; sealed like the key store (machine- and user-bound). */
export interface PairingStore {
  get(installId: string): Promise<PairingRecord | undefined>;
  put(record: PairingRecord): Promise<void>;
  list(): Promise<PairingRecord[]>;
  touch(installId: string, at: string): Promise<void>;
}
