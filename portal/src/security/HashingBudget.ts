/**
 * Password hashing is the portal's most expensive operation (scrypt, 32 MiB, tens of ms of a
 * core), and anyone can ask for it. So every password check first takes a token from two
 * budgets — one per client address, one for the whole portal — and then waits for one of a
 * few hashing slots (a concurrency cap with a bounded queue). A client over its budget, or a
 * portal whose queue is full, is refused with ERR_THROTTLED before anything is hashed.
 *
 * The budget is charged before the email is looked up, and known and unknown emails then
 * cost the same full scrypt: neither is cheaper or dearer, so neither timing nor refusals tell
 * an attacker which emails exist. See docs/decisions/0010-portal-password-hashing.md.
 *
 * Several instances: given the store, the per-client budget is a bucket in the database
 * (store/rateBudgets.ts) that every instance takes from, so a client spreading its guesses over
 * N instances still gets one budget. The global budget and the hashing slots stay per instance:
 * they protect that instance's own CPU and memory (decision 0093).
 */
import { PortalError } from '../../../shared/errors.js';
import type { SqlRunner } from '../db/PortalDb.js';
import type { Clock } from '../PortalContext.js';
import { returnToken, takeToken } from '../store/rateBudgets.js';

export interface HashingBudgetOptions {
  /** Hashes one client address may start in a burst, and refills per minute. */
  perClient: { burst: number; perMinute: number };
  /** Hashes the whole portal may start in a burst, and refills per second. */
  global: { burst: number; perSecond: number };
  /** scrypt runs at once (each uses a thread-pool thread and 32 MiB). */
  concurrency: number;
  /** Checks that may wait for a slot; more are refused. */
  maxQueue: number;
  /** Client buckets remembered (oldest forgotten first): bounded memory. */
  maxClients: number;
}

export const DEFAULT_HASHING_BUDGET: HashingBudgetOptions = {
  perClient: { burst: 20, perMinute: 20 },
  global: { burst: 40, perSecond: 10 },
  concurrency: 2,
  maxQueue: 32,
  maxClients: 10_000,
};

interface Bucket {
  tokens: number;
  at: number;
}

export class HashingBudget {
  private readonly clients = new Map<string, Bucket>();
  private readonly global: Bucket;
  private running = 0;
  private readonly queue: Array<() => void> = [];
  /** Counters for tests, benches and the log. */
  readonly stats = { hashed: 0, refusedClient: 0, refusedGlobal: 0, refusedBusy: 0 };

  constructor(
    private readonly clock: Clock,
    private readonly options: HashingBudgetOptions = DEFAULT_HASHING_BUDGET,
    /** The store whose shared buckets hold the per-client budget; without it, this process's memory. */
    private readonly shared?: SqlRunner,
  ) {
    this.global = { tokens: options.global.burst, at: clock() };
  }

  /** Takes a token from `client`'s budget: in the shared store, or in memory. */
  private async takeClient(client: string, now: number): Promise<{ ok: boolean; giveBack(): void }> {
    const { burst, perMinute } = this.options.perClient;
    if (this.shared) {
      const db = this.shared;
      const shape = { burst, perMs: perMinute / 60_000 };
      const ok = await takeToken(db, `hash:${client}`, shape, now);
      return {
        ok,
        giveBack: () => {
          returnToken(db, `hash:${client}`, shape).catch(() => undefined);
        },
      };
    }
    const bucket = this.clientBucket(client, now);
    refill(bucket, now, perMinute / 60_000, burst);
    if (bucket.tokens < 1) return { ok: false, giveBack: () => undefined };
    bucket.tokens -= 1;
    return {
      ok: true,
      giveBack: () => {
        bucket.tokens += 1;
      },
    };
  }

  /**
   * Takes one hash from `client`'s and the global budget, or throws ERR_THROTTLED (nothing is
   * hashed then). The ticket runs the hash in a slot (`run`), or gives the tokens back (`refund`)
   * when the caller decides not to hash after all.
   */
  async take(client: string): Promise<{ run<T>(hash: () => Promise<T>): Promise<T>; refund(): void }> {
    const now = this.clock();
    const clientToken = await this.takeClient(client, now);
    if (!clientToken.ok) {
      this.stats.refusedClient++;
      throw busy('Too many sign-in attempts from your network. Wait a minute and try again.');
    }
    refill(this.global, now, this.options.global.perSecond / 1000, this.options.global.burst);
    if (this.global.tokens < 1 || this.queue.length >= this.options.maxQueue) {
      clientToken.giveBack();
      if (this.global.tokens < 1) this.stats.refusedGlobal++;
      else this.stats.refusedBusy++;
      throw busy('The portal is busy checking passwords. Wait a few seconds and try again.');
    }
    this.global.tokens -= 1;
    let used = false;
    return {
      run: async <T>(hash: () => Promise<T>): Promise<T> => {
        if (used) throw new TypeError('a hashing ticket runs once');
        used = true;
        await this.slot();
        try {
          this.stats.hashed++;
          return await hash();
        } finally {
          this.release();
        }
      },
      refund: () => {
        if (used) return;
        used = true;
        clientToken.giveBack();
        this.global.tokens += 1;
      },
    };
  }

  private clientBucket(client: string, now: number): Bucket {
    let bucket = this.clients.get(client);
    if (bucket) {
      // Re-insert: the Map's order is then least recently used first.
      this.clients.delete(client);
    } else {
      bucket = { tokens: this.options.perClient.burst, at: now };
      if (this.clients.size >= this.options.maxClients) {
        const oldest = this.clients.keys().next().value;
        if (oldest !== undefined) this.clients.delete(oldest);
      }
    }
    this.clients.set(client, bucket);
    return bucket;
  }

  private slot(): Promise<void> {
    if (this.running < this.options.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.running--;
  }
}

function refill(bucket: Bucket, now: number, perMs: number, cap: number): void {
  // A clock that went back (tests, NTP) refills nothing rather than going negative.
  const elapsed = Math.max(0, now - bucket.at);
  bucket.tokens = Math.min(cap, bucket.tokens + elapsed * perMs);
  bucket.at = Math.max(bucket.at, now);
}

function busy(message: string): PortalError {
  return new PortalError('ERR_THROTTLED', message);
}
