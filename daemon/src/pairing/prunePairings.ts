/**
 * Bounds the pairing store (decision 0040): at most {@link MAX_PAIRINGS_PER_ORIGIN} installs per
 * extension origin (the least recently used is evicted), a pairing never used within a day of its
 * issue expires, and one unused for 180 days expires. Applied whenever a pairing is added.
 */
import type { PairingRecord } from './PairingStore.js';

export const MAX_PAIRINGS_PER_ORIGIN = 32;
const NEVER_USED_TTL_MS = 24 * 3600_000;
const IDLE_TTL_MS = 180 * 24 * 3600_000;

const lastUse = (r: PairingRecord) => Date.parse(r.lastSeenAt ?? r.pairedAt);

/** Removes expired pairings and, for `origin`, the least recently used beyond the cap. Mutates `records`. */
export function prunePairings(records: Map<string, PairingRecord>, origin: string, now: number): void {
  for (const [id, r] of records) {
    const expired =
      r.lastSeenAt === null ? now - Date.parse(r.pairedAt) > NEVER_USED_TTL_MS : now - lastUse(r) > IDLE_TTL_MS;
    if (expired) records.delete(id);
  }
  const same = [...records.values()]
    .filter((r) => r.extensionOrigin === origin)
    .sort((a, b) => lastUse(a) - lastUse(b));
  for (const r of same.slice(0, Math.max(0, same.length - MAX_PAIRINGS_PER_ORIGIN))) records.delete(r.installId);
}

/** Whether a `lastSeenAt` change is worth a rewrite of the sealed file (at most hourly per pairing). */
export function touchNeedsWrite(previous: string | null, at: string): boolean {
  return previous === null || Date.parse(at) - Date.parse(previous) >= 3600_000;
}
