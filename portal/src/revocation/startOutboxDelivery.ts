/**
 * The running portal's delivery of the revocation outbox: every `pollMs` it claims due notices
 * (outbox.ts), signs each now (logout tokens by oidc-provider, CAEP SETs with the same key), sends
 * it, and records the outcome. A failure is retried with exponential backoff and jitter, at most
 * `maxAttempts` times, then marked failed and audited; a refusal by the receiver (4xx) fails at
 * once. Settled notices are purged after `retentionMs`, so the table stays bounded. Notices
 * queued by the admin CLI (another process) or before a restart are picked up the same way.
 */
import { importJWK } from 'jose';
import type Provider from 'oidc-provider';
import { loadOidcKeys } from '../oidc/loadOidcKeys.js';
import type { PortalContext } from '../PortalContext.js';
import { audit } from '../store/audit.js';
import {
  claimDueNotices,
  markDelivered,
  markFailed,
  markRetry,
  type OutboxRow,
  purgeSettledNotices,
} from './outbox.js';
import { postNotice } from './postNotice.js';
import { type SetSigningKey, signCaepSet } from './signCaepSet.js';
import { signLogoutToken } from './signLogoutToken.js';

export interface OutboxDeliveryOptions {
  pollMs: number;
  /** First retry delay; doubled at each attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
  /** Per request. */
  timeoutMs: number;
  /** Notices claimed (and sent in parallel) per poll. */
  batch: number;
  retentionMs: number;
  /** Only tests replace it. */
  fetch?: typeof fetch;
}

export const DEFAULT_OUTBOX_DELIVERY: OutboxDeliveryOptions = {
  pollMs: 2000,
  baseDelayMs: 5000,
  maxDelayMs: 15 * 60_000,
  maxAttempts: 12,
  timeoutMs: 10_000,
  batch: 20,
  retentionMs: 7 * 24 * 3_600_000,
};

export interface OutboxDelivery {
  /** One poll now (tests and the first tick); resolves with the number of notices handled. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/** Delay before attempt `attempts + 1`, with ±20 % jitter so receivers coming back are not stampeded. */
export function retryDelay(attempts: number, o: Pick<OutboxDeliveryOptions, 'baseDelayMs' | 'maxDelayMs'>): number {
  const plain = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(plain * (0.8 + Math.random() * 0.4));
}

export function startOutboxDelivery(
  ctx: PortalContext,
  provider: Provider,
  overrides: Partial<OutboxDeliveryOptions> = {},
): OutboxDelivery {
  const o = { ...DEFAULT_OUTBOX_DELIVERY, ...overrides };
  let signingKey: Promise<SetSigningKey> | undefined;
  const key = () => {
    signingKey ??= loadOidcKeys(ctx.db, ctx.clock()).then(async ({ signingKeys }) => {
      const jwk = signingKeys[0];
      if (!jwk?.kid) throw new TypeError('The OIDC signing key has no kid');
      return {
        key: (await importJWK(jwk as Parameters<typeof importJWK>[0], 'ES256')) as SetSigningKey['key'],
        kid: jwk.kid,
      };
    });
    return signingKey;
  };
  let stopped = false;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<number> | undefined;
  let lastPurge = 0;

  const settle = async (row: OutboxRow, outcome: { ok: true } | { ok: false; retry: boolean; error: string }) => {
    const now = ctx.clock();
    const target = new URL(row.target).origin;
    if (outcome.ok) {
      await markDelivered(ctx.db, row.id, now);
      await audit(
        ctx.db,
        {
          event: 'revocation.delivered',
          actor: 'portal:outbox',
          details: { kind: row.kind, target, jti: row.payload.jti, attempts: row.attempts },
        },
        now,
      );
      return;
    }
    if (outcome.retry && row.attempts < o.maxAttempts) {
      await markRetry(ctx.db, row.id, now + retryDelay(row.attempts, o), outcome.error);
      ctx.logger.info({ event: 'revocation.retry', kind: row.kind, target, attempts: row.attempts }, outcome.error);
      return;
    }
    await markFailed(ctx.db, row.id, now, outcome.error);
    await audit(
      ctx.db,
      {
        event: 'revocation.failed',
        actor: 'portal:outbox',
        details: { kind: row.kind, target, jti: row.payload.jti, attempts: row.attempts, error: outcome.error },
      },
      now,
    );
    ctx.logger.warn({ event: 'revocation.failed', kind: row.kind, target, attempts: row.attempts }, outcome.error);
  };

  const deliver = async (row: OutboxRow): Promise<void> => {
    let token: string | undefined;
    if (row.kind === 'backchannel-logout') {
      token = await signLogoutToken(provider, row.payload);
      if (!token) return settle(row, { ok: false, retry: false, error: 'the app no longer exists' });
    } else {
      token = await signCaepSet(row.payload, { issuer: ctx.config.issuer, signingKey: await key(), now: ctx.clock() });
    }
    await settle(
      row,
      await postNotice(row.target, row.kind, token, {
        timeoutMs: o.timeoutMs,
        signal: stopping.signal,
        ...(o.fetch ? { fetch: o.fetch } : {}),
      }),
    );
  };

  const tick = async (): Promise<number> => {
    const now = ctx.clock();
    if (now - lastPurge > 3_600_000) {
      lastPurge = now;
      await purgeSettledNotices(ctx.db, now - o.retentionMs);
    }
    const rows = await claimDueNotices(ctx.db, now, { leaseMs: o.timeoutMs * 3, limit: o.batch });
    await Promise.all(
      rows.map((row) =>
        deliver(row).catch((err: unknown) =>
          // A signing or store failure: leave the claim to expire, so the notice is tried again.
          ctx.logger.error(
            { event: 'revocation.deliver-error', code: 'ERR_INTERNAL', err, kind: row.kind },
            'notice not delivered',
          ),
        ),
      ),
    );
    return rows.length;
  };

  const runOnce = (): Promise<number> => {
    inFlight ??= tick().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const loop = () => {
    if (stopped) return;
    runOnce()
      .catch((err: unknown) =>
        ctx.logger.warn({ event: 'revocation.poll-failed', err }, 'could not read the revocation outbox'),
      )
      .finally(() => {
        if (!stopped) {
          timer = setTimeout(loop, o.pollMs);
          timer.unref();
        }
      });
  };
  timer = setTimeout(loop, 0);
  timer.unref();

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      // A notice cut off here keeps its claim; the next start (or another instance) retries it.
      stopping.abort();
      await inFlight?.catch(() => undefined);
    },
  };
}
