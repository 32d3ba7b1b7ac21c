/**
 * Starts the portal in-process: opens (and migrates) the store — a SQLite file, or a PostgreSQL
 * database shared with other instances — listens on 127.0.0.1, resolves the canonical origin from
 * the real port, and serves. Used by `keybound portal`, `npm start` and the tests. `close()` stops
 * accepting, ends keep-alive connections and closes the store.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../shared/node/createLogger.js';
import { createPortalApp } from './createPortalApp.js';
import { openDatabase, type PortalDb } from './db/openDatabase.js';
import { oidcMigrations } from './oidc/oidcMigrations.js';
import type { Clock, PortalConfig, PortalContext } from './PortalContext.js';
import { resolvePortalConfig } from './resolvePortalConfig.js';
import {
  type OutboxDelivery,
  type OutboxDeliveryOptions,
  startOutboxDelivery,
} from './revocation/startOutboxDelivery.js';
import { HashingBudget, type HashingBudgetOptions } from './security/HashingBudget.js';
import { dummyPasswordHash } from './security/passwordHash.js';
import { purgeExpired } from './store/sessions.js';
import { loadTpmRoots } from './verify/tpm/loadTpmRoots.js';

export interface StartPortalOptions {
  /** 0 picks a free port. */
  port: number;
  /** A SQLite file (created with its folder if missing) or a `postgres://` URL. */
  database: string;
  issuer?: string;
  rpId?: string;
  logger: Logger;
  clock?: Clock;
  /** Serve a packed extension (keybound.crx, updates.xml) from this folder under /extension/. */
  extensionDir?: string;
  /** Listen address; loopback by default. */
  host?: string;
  /** Password-hashing budgets and concurrency (defaults: DEFAULT_HASHING_BUDGET). */
  hashing?: HashingBudgetOptions;
  /** PEM bundle of TPM manufacturer certificates trusted for device attestation (issue 10). */
  tpmRoots?: string;
  /** `--trust-proxy`: the balancers whose X-Forwarded-For names the client (see PortalConfig). */
  trustProxy?: readonly string[];
  /** Revocation notices to SSO apps: poll and retry timing (defaults: DEFAULT_OUTBOX_DELIVERY). */
  revocationDelivery?: Partial<OutboxDeliveryOptions>;
}

export interface RunningPortal {
  port: number;
  /** The canonical origin, e.g. `http://localhost:41234`. */
  origin: string;
  config: PortalConfig;
  db: PortalDb;
  ctx: PortalContext;
  close(): Promise<void>;
}

const PURGE_EVERY_MS = 10 * 60_000;

export async function startPortal(options: StartPortalOptions): Promise<RunningPortal> {
  const clock = options.clock ?? Date.now;
  const db = await openDatabase(options.database, {
    extraMigrations: oidcMigrations,
    now: clock(),
    logger: options.logger,
  });
  const server: Server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await db.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  let ctx: PortalContext;
  let delivery: OutboxDelivery;
  try {
    const config = resolvePortalConfig({
      port,
      ...(options.issuer ? { issuer: options.issuer } : {}),
      ...(options.rpId ? { rpId: options.rpId } : {}),
    });
    if (options.tpmRoots) config.tpmRoots = loadTpmRoots(options.tpmRoots);
    if (options.trustProxy?.length) config.trustProxy = options.trustProxy;
    ctx = { db, config, logger: options.logger, clock, hashing: new HashingBudget(clock, options.hashing, db) };
    // Compute the unknown-email stand-in hash now, not during the first unknown email's check.
    void dummyPasswordHash();
    await purgeExpired(db, clock());
    const { app, oidc } = await createPortalApp(
      ctx,
      options.extensionDir ? { extensionDir: options.extensionDir } : {},
    );
    server.on('request', app);
    // Back-channel logout and CAEP notices queued by revocations (here, by the admin CLI, or
    // before a restart) are sent from here.
    delivery = startOutboxDelivery(ctx, oidc.provider, options.revocationDelivery);
  } catch (err) {
    server.close();
    await db.close();
    throw err;
  }
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  const purge = setInterval(() => {
    purgeExpired(db, clock()).catch((err: unknown) =>
      options.logger.warn({ event: 'portal.purge-failed', err }, 'could not purge expired sessions'),
    );
  }, PURGE_EVERY_MS);
  purge.unref();
  options.logger.info(
    { event: 'portal.listening', origin: ctx.config.origin, rpId: ctx.config.rpId, port },
    `portal at ${ctx.config.origin}`,
  );

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      clearInterval(purge);
      server.close(() => {
        delivery
          .stop()
          .then(() => db.close())
          .catch((err: unknown) => options.logger.warn({ event: 'portal.close-failed', err }, 'store did not close'))
          .finally(() => {
            options.logger.info({ event: 'portal.stopped' }, 'portal stopped');
            resolve();
          });
      });
      server.closeIdleConnections();
      // Give in-flight requests a moment, then cut what is left.
      setTimeout(() => server.closeAllConnections(), 2000).unref();
    });
    return closing;
  };
  return { port, origin: ctx.config.origin, config: ctx.config, db, ctx, close };
}
