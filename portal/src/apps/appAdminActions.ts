/**
 * What `keybound admin app …` does, as plain functions over the database (the CLI only parses
 * and prints). Every change is audited with actor `admin:cli`; the client secret is returned once
 * by `adminAddApp` and never stored or logged in clear.
 */

import { resolveOrganisation } from '../admin/adminActions.js';
import type { PortalDb } from '../db/openDatabase.js';
import { audit } from '../store/audit.js';
import { getOrganisation } from '../store/organisations.js';
import { addApp } from './addApp.js';
import { assignApp } from './assignApp.js';
import { listApps, listAssignees } from './findApp.js';

const ACTOR = 'admin:cli';

export function adminAddApp(
  db: PortalDb,
  now: number,
  input: {
    name: string;
    redirectUris: string[];
    protected?: boolean;
    public?: boolean;
    launchUrl?: string;
    orgName?: string;
  },
) {
  const org = resolveOrganisation(db, now, input.orgName);
  const { app, clientSecret } = db.transaction(() => {
    const added = addApp(db, {
      orgId: org.id,
      name: input.name,
      redirectUris: input.redirectUris,
      protected: Boolean(input.protected),
      public: Boolean(input.public),
      ...(input.launchUrl ? { launchUrl: input.launchUrl } : {}),
      now,
    });
    audit(
      db,
      {
        event: 'admin.app.add',
        actor: ACTOR,
        orgId: org.id,
        details: {
          app: added.app.name,
          clientId: added.app.clientId,
          protected: added.app.protected,
          public: !added.app.confidential,
        },
      },
      now,
    );
    return added;
  })();
  return {
    name: app.name,
    organisation: org.name,
    clientId: app.clientId,
    ...(clientSecret ? { clientSecret } : {}),
    clientType: app.confidential ? 'confidential' : 'public',
    redirectUris: app.redirectUris,
    launchUrl: app.launchUrl,
    protected: app.protected,
  };
}

export function adminAssignApp(db: PortalDb, now: number, input: { name: string; email: string; orgName?: string }) {
  const org = resolveOrganisation(db, now, input.orgName);
  const result = db.transaction(() => {
    const r = assignApp(db, { orgId: org.id, appName: input.name, email: input.email, now });
    if (!r.alreadyAssigned) {
      audit(
        db,
        { event: 'admin.app.assign', actor: ACTOR, orgId: org.id, userId: r.userId, details: { app: r.app.name } },
        now,
      );
    }
    return r;
  })();
  return {
    app: result.app.name,
    email: input.email.trim().toLowerCase(),
    assigned: true,
    alreadyAssigned: result.alreadyAssigned,
  };
}

/** Every app (of one organisation when `orgName` is given), with its assignees; no secrets. */
export function adminListApps(db: PortalDb, now: number, orgName?: string) {
  const orgId = orgName ? resolveOrganisation(db, now, orgName).id : undefined;
  return listApps(db, orgId).map((app) => ({
    name: app.name,
    organisation: getOrganisation(db, app.orgId)?.name ?? app.orgId,
    clientId: app.clientId,
    clientType: app.confidential ? 'confidential' : 'public',
    protected: app.protected,
    redirectUris: app.redirectUris,
    launchUrl: app.launchUrl,
    assignedTo: listAssignees(db, app.id),
    createdAt: new Date(app.createdAt).toISOString(),
  }));
}
