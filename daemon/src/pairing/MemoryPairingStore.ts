/** An in-memory {@link PairingStore} for tests and for running without persistent pairings. */
import type { PairingRecord, PairingStore } from './PairingStore.js';
import { prunePairings } from './prunePairings.js';

export class MemoryPairingStore implements PairingStore {
  private readonly records = new Map<string, PairingRecord>();

  async get(installId: string): Promise<PairingRecord | undefined> {
    const r = this.records.get(installId);
    return r && { ...r, secret: new Uint8Array(r.secret) };
  }

  async put(record: PairingRecord): Promise<void> {
    this.records.set(record.installId, { ...record, secret: new Uint8Array(record.secret) });
    prunePairings(this.records, record.extensionOrigin, Date.parse(record.pairedAt));
  }

  async list(): Promise<PairingRecord[]> {
    return [...this.records.values()].map((r) => ({ ...r, secret: new Uint8Array(r.secret) }));
  }

  async touch(installId: string, at: string): Promise<void> {
    const r = this.records.get(installId);
    if (r) r.lastSeenAt = at;
  }
}
