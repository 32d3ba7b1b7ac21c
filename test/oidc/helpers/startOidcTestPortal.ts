/**
 * A portal for the OIDC tests: a real SQLite file in a temp dir, the core's session middleware,
 * sign-in and home routes, and the OpenID Provider, on 127.0.0.1 port 0 with the canonical origin
 * `http://localhost:<port>`. `restart()` reopens the same file in a new server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { sessionMiddleware } from '../../../portal/src/auth/sessionMiddleware.js';
import { openDatabase, type PortalDb } from '../../../portal/src/db/openDatabase.js';
import { mountOidc } from '../../../portal/src/oidc/mountOidc.js';
import { oidcMigrations } from '../../../portal/src/oidc/oidcMigrations.js';
import type { PortalContext } from '../../../portal/src/PortalContext.js';
import { homeRoutes } from '../../../portal/src/routes/homeRoutes.js';
import { signInRoutes } from '../../../portal/src/routes/signInRoutes.js';
import { silentLogger } from '../../../shared/node/createLogger.js';

export interface TestPortal {
  origin: string;
  port: number;
  db: PortalDb;
  ctx: PortalContext;
  restart(): Promise<void>;
  close(): Promise<void>;
}

async function listen(app: express.Express, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, '127.0.0.1', () => resolve(server));
    server.once('error', reject);
  });
}

export async function startOidcTestPortal(): Promise<TestPortal> {
  const dir = mkdtempSync(join(tmpdir(), 'keybound-oidc-'));
  const file = join(dir, 'portal.db');
  let server: Server | undefined;
  let port = 0;
  const portal = {} as TestPortal;

  const start = async () => {
    const db = openDatabase(file, { extraMigrations: oidcMigrations });
    // Listen first to learn the port, then build the app (the issuer needs it).
    const app = express();
    server = await listen(app, port);
    port = (server.address() as AddressInfo).port;
    const origin = `http://localhost:${port}`;
    const ctx: PortalContext = {
      db,
      logger: silentLogger(),
      clock: Date.now,
      config: {
        origin,
        host: `localhost:${port}`,
        rpId: 'localhost',
        rpName: 'Keybound',
        issuer: origin,
        secureCookies: false,
      },
    };
    mountOidc(app, ctx);
    app.use(sessionMiddleware(ctx));
    app.use(signInRoutes(ctx));
    app.use(homeRoutes(ctx));
    Object.assign(portal, { origin, port, db, ctx });
  };
  const stop = async () => {
    const s = server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
    portal.db.close();
    server = undefined;
  };
  await start();
  portal.restart = async () => {
    await stop();
    await start();
  };
  portal.close = async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return portal;
}
