/**
 * Bounds pairing by Protect prompt, the fallback where native messaging is unavailable (decision
 * 0040): at most one pending pairing prompt per extension origin, and after a deny or timeout
 * that origin waits (30 s, doubling to 15 min) before it may ask again. No prompt bombing.
 */
import { ChannelError } from '../../../shared/errors.js';

const FIRST_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 15 * 60_000;
/** Origins remembered for back-off; beyond this the oldest is forgotten. */
const MAX_ORIGINS = 256;

export class PromptPairingGate {
  private readonly pending = new Set<string>();
  private readonly backoff = new Map<string, { until: number; ms: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Claims the origin's one prompt; throws when one is pending or the origin is backing off. */
  begin(origin: string): void {
    if (this.pending.has(origin))
      throw new ChannelError(
        'ERR_TOO_MANY_PENDING',
        'A pairing request from this extension is already waiting in Protect.',
      );
    const b = this.backoff.get(origin);
    if (b && b.until > this.now()) {
      const seconds = Math.ceil((b.until - this.now()) / 1000);
      throw new ChannelError('ERR_RATE_LIMITED', `Pairing was refused recently. Try again in ${seconds} s.`);
    }
    this.pending.add(origin);
  }

  /** Releases the claim; a refusal (deny, timeout) starts or doubles the back-off. */
  end(origin: string, outcome: 'approved' | 'refused' | 'cancelled'): void {
    this.pending.delete(origin);
    if (outcome === 'approved') {
      this.backoff.delete(origin);
      return;
    }
    if (outcome === 'cancelled') return;
    const ms = Math.min(MAX_BACKOFF_MS, (this.backoff.get(origin)?.ms ?? FIRST_BACKOFF_MS / 2) * 2);
    this.backoff.delete(origin);
    this.backoff.set(origin, { until: this.now() + ms, ms });
    if (this.backoff.size > MAX_ORIGINS) this.backoff.delete(this.backoff.keys().next().value as string);
  }
}
