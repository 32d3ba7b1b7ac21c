/**
 * Registers a running demo app as an SSO app (a confidential OIDC client, launched from its
 * `/login`) in `who`'s organisation, gives the demo app its client id and secret, and assigns the
 * app to `who` and to `alsoAssign`. Several code-flow tests start from exactly this.
 */

import { addApp } from '../../../portal/src/apps/addApp.js';
import { assignApp } from '../../../portal/src/apps/assignApp.js';
import type { PortalDb } from '../../../portal/src/db/openDatabase.js';
import type { DemoApp } from '../../../portal/src/demoApp/startDemoApp.js';
import type { SeededUser } from './portalSignIn.js';

export async function addDemoClient(
  db: PortalDb,
  demo: DemoApp,
  who: SeededUser,
  options: { name: string; protected?: boolean; alsoAssign?: string[] },
): Promise<{ clientId: string; clientSecret: string }> {
  const { app, clientSecret } = await addApp(db, {
    orgId: who.user.orgId,
    name: options.name,
    redirectUris: [demo.redirectUri],
    launchUrl: `${demo.origin}/login`,
    ...(options.protected ? { protected: true } : {}),
  });
  demo.setClient(app.clientId, clientSecret);
  for (const email of [who.email, ...(options.alsoAssign ?? [])]) {
    await assignApp(db, { orgId: who.user.orgId, appName: options.name, email });
  }
  return { clientId: app.clientId, clientSecret: clientSecret as string };
}
