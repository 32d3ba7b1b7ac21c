/**
 * PairingStore over a sealed file (`pairings.sealed`): pairing secrets are bound to this machine
 * and user like the keys. Records are few (one per extension install), so the whole file is
 * rewritten atomically on each change; writes are serialised inside the process.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { fromBase64url, toBase64url } from '../../../shared/webauthn/base64url.js';
import type { Sealer } from '../keys/MachineSealer.js';
import type { PairingRecord, PairingStore } from '../pairing/PairingStore.js';
import { prunePairings, touchNeedsWrite } from '../pairing/prunePairings.js';
import { SealedJsonFile } from './SealedJsonFile.js';

export const PAIRINGS_FILE = 'pairings.sealed';

const pairingsSchema = z
  .object({
    v: z.literal(1),
    pairings: z
      .array(
        z
          .object({
            installId: z.string().max(64),
            extensionOrigin: z.string().max(2048),
            secret: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
            browser: z.string().max(64),
            pairedAt: z.string(),
            lastSeenAt: z.string().nullable(),
          })
          .strict(),
      )
      .max(10_000),
  })
  .strict();

export class SealedPairingStore implements PairingStore {
  private records: Map<string, PairingRecord> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly file: SealedJsonFile<typeof pairingsSchema>;

  constructor(dataDir: string, sealer: Sealer) {
    this.file = new SealedJsonFile(join(dataDir, PAIRINGS_FILE), 'pairings', pairingsSchema, sealer);
  }

  async get(installId: string): Promise<PairingRecord | undefined> {
    const r = (await this.load()).get(installId);
    return r && { ...r, secret: new Uint8Array(r.secret) };
  }

  async list(): Promise<PairingRecord[]> {
    return [...(await this.load()).values()].map((r) => ({ ...r, secret: new Uint8Array(r.secret) }));
  }

  async put(record: PairingRecord): Promise<void> {
    await this.mutate((m) => {
      m.set(record.installId, { ...record, secret: new Uint8Array(record.secret) });
      prunePairings(m, record.extensionOrigin, Date.parse(record.pairedAt));
    });
  }

  /** Records use; the sealed file is rewritten at most hourly per pairing, not on every connection. */
  async touch(installId: string, at: string): Promise<void> {
    const current = (await this.load()).get(installId);
    if (!current) return;
    if (!touchNeedsWrite(current.lastSeenAt, at)) {
      current.lastSeenAt = at;
      return;
    }
    await this.mutate((m) => {
      const r = m.get(installId);
      if (r) r.lastSeenAt = at;
    });
  }

  /** Forgets one extension install (it must pair again). */
  async delete(installId: string): Promise<boolean> {
    let removed = false;
    await this.mutate((m) => {
      removed = m.delete(installId);
    });
    return removed;
  }

  private async load(): Promise<Map<string, PairingRecord>> {
    if (this.records) return this.records;
    const state = await this.file.read();
    const map = new Map<string, PairingRecord>();
    for (const p of state?.pairings ?? []) map.set(p.installId, { ...p, secret: fromBase64url(p.secret) });
    this.records = map;
    return map;
  }

  private async mutate(change: (m: Map<string, PairingRecord>) => void): Promise<void> {
    const run = this.queue.then(async () => {
      const current = await this.load();
      const next = new Map([...current].map(([k, v]) => [k, { ...v }]));
      change(next);
      await this.file.write({
        v: 1,
        pairings: [...next.values()].map((r) => ({ ...r, secret: toBase64url(r.secret) })),
      });
      // Only adopt the change once it is on disk: a failed write leaves memory and disk equal.
      this.records = next;
    });
    this.queue = run.catch(() => undefined);
    await run;
  }
}
