/**
 * Registers a running demo app with the portal (for `npm start`, the demo script and browser
 * tests): creates the app the first time, and on later starts points it at the demo app's new
 * origin and rotates its secret (the old one is only stored hashed, so it cannot be handed over
 * again). Assigns it to `assignTo` and hands the client id and secret to the demo app. The demo
 * app takes the portal's revocation notices: its back-channel logout URI is registered, and so is
 * its SSF push endpoint, as a receiver tied to the app (replacing one from an earlier start).
 */

import type { App } from '../apps/App.js';
import { addApp } from '../apps/addApp.js';
import { assignApp } from '../apps/assignApp.js';
import { findAppByName } from '../apps/findApp.js';
import { updateApp } from '../apps/updateApp.js';
import type { SqlRunner } from '../db/PortalDb.js';
import { insertSsfReceiver } from '../revocation/ssfReceivers.js';
import { randomId } from '../security/tokens.js';
import type { DemoApp } from './startDemoApp.js';

export async function ensureDemoApp(
  db: SqlRunner,
  demo: DemoApp,
  input: { orgId: string; name: string; protected?: boolean; assignTo?: string[]; now?: number },
): Promise<App> {
  const launchUrl = `${demo.origin}/login`;
  const existing = await findAppByName(db, input.orgId, input.name);
  const { app, clientSecret } = existing
    ? await updateApp(db, existing.clientId, {
        redirectUris: [demo.redirectUri],
        launchUrl,
        protected: Boolean(input.protected),
        backchannelLogoutUri: demo.backchannelLogoutUri,
        rotateSecret: true,
      })
    : await addApp(db, {
        orgId: input.orgId,
        name: input.name,
        redirectUris: [demo.redirectUri],
        launchUrl,
        protected: Boolean(input.protected),
        backchannelLogoutUri: demo.backchannelLogoutUri,
        ...(input.now ? { now: input.now } : {}),
      });
  await db.run('DELETE FROM ssf_receivers WHERE app_id = ?', [app.id]);
  await insertSsfReceiver(db, {
    id: randomId('ssf'),
    orgId: input.orgId,
    endpointUrl: demo.ssfEndpoint,
    audience: app.clientId,
    appId: app.id,
    createdAt: input.now ?? Date.now(),
  });
  for (const email of input.assignTo ?? []) {
    await assignApp(db, { orgId: input.orgId, appName: input.name, email, ...(input.now ? { now: input.now } : {}) });
  }
  demo.setClient(app.clientId, clientSecret);
  return app;
}
