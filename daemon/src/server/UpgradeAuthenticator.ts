/**
 * Checks the pairing proof a WebSocket upgrade carries in its subprotocols (decision 0040,
 * shared/protocol/upgradeProof.ts) before any WebSocket exists: a known install of this origin,
 * a valid MAC, a clock within ±2 minutes, and a nonce not used before. Only proofs with a valid MAC
 * enter the replay cache, so strangers cannot grow it.
 */

import { isUpgradeProof, parseUpgradeProof, verifyUpgradeMac } from '../../../shared/protocol/upgradeProof.js';
import type { PairingStore } from '../pairing/PairingStore.js';

export type UpgradeAuth = { kind: 'none' } | { kind: 'ok'; installId: string } | { kind: 'refused'; reason: string };

/** How far the extension's clock may be from ours. */
const WINDOW_SECONDS = 120;

export class UpgradeAuthenticator {
  /** nonce → the second after which it can no longer be replayed anyway. */
  private readonly seen = new Map<string, number>();

  constructor(
    /** The pairings, once the device side is open (only a proof with a plausible shape waits for them). */
    private readonly side: Promise<{ pairings: PairingStore }>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Decides from the `Sec-WebSocket-Protocol` header; `none` when no proof was offered. */
  async check(header: string | undefined, extensionOrigin: string): Promise<UpgradeAuth> {
    const offers = (header ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(isUpgradeProof);
    if (offers.length === 0) return { kind: 'none' };
    if (offers.length > 1) return { kind: 'refused', reason: 'more than one upgrade proof' };
    const proof = parseUpgradeProof(offers[0] as string);
    if (!proof) return { kind: 'refused', reason: 'malformed upgrade proof' };
    const nowSeconds = Math.floor(this.now() / 1000);
    if (Math.abs(nowSeconds - proof.seconds) > WINDOW_SECONDS)
      return { kind: 'refused', reason: 'upgrade proof outside the clock window' };
    const { pairings } = await this.side;
    const record = await pairings.get(proof.installId);
    if (!record || record.extensionOrigin !== extensionOrigin) return { kind: 'refused', reason: 'unknown install' };
    if (!(await verifyUpgradeMac(proof, record.secret, extensionOrigin)))
      return { kind: 'refused', reason: 'invalid upgrade proof' };
    this.prune(nowSeconds);
    if (this.seen.has(proof.nonce)) return { kind: 'refused', reason: 'replayed upgrade proof' };
    this.seen.set(proof.nonce, proof.seconds + WINDOW_SECONDS);
    return { kind: 'ok', installId: proof.installId };
  }

  private prune(nowSeconds: number): void {
    for (const [nonce, until] of this.seen) if (until < nowSeconds) this.seen.delete(nonce);
  }
}
