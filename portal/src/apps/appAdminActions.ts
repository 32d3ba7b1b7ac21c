/**
 * What `keybound admin app …` does, as plain functions over the database (the CLI only parses
 * and prints). Every change is audited with actor `admin:cli`; the client secret is returned once
 * by `adminAddApp` and never stored or logged in clear.
 */

import { PortalError } from '../../../shared/errors.js';
import { resolveOrganisation } from '../admin/adminActions.js';
import type { PortalDb } from '../db/PortalDb.js';
import { audit } from '../store/audit.js';
import { getOrganisation } from '../store/organisations.js';
import { addApp } from './addApp.js';
import { assignApp } from './assignApp.js';
import { findAppByName, listApps, listAssignees } from './findApp.js';
import { updateApp } from './updateApp.js';

const ACTOR = 'admin:cli';

export async function adminAddApp(
  db: PortalDb,
  now: number,
  input: {
    name: string;
    redirectUris: string[];
    protected?: boolean;
    public?: boolean;
    launchUrl?: string;
    backchannelLogoutUri?: string;
    orgName?: string;
  },
) {
  const org = await resolveOrganisation(db, now, input.orgName);
  const { app, clientSecret } = await db.transaction(async (tx) => {
    const added = await addApp(tx, {
      orgId: org.id,
      name: input.name,
      redirectUris: input.redirectUris,
      protected: Boolean(input.protected),
      public: Boolean(input.public),
      ...(input.launchUrl ? { launchUrl: input.launchUrl } : {}),
      ...(input.backchannelLogoutUri ? { backchannelLogoutUri: input.backchannelLogoutUri } : {}),
      now,
    });
    await audit(
      tx,
      {
        event: 'admin.app.add',
        actor: ACTOR,
        orgId: org.id,
        details: {
          app: added.app.name,
          clientId: added.app.clientId,
          protected: added.app.protected,
          public: !added.app.confidential,
          backchannelLogoutUri: added.app.backchannelLogoutUri,
        },
      },
      now,
    );
    return added;
  });
  return {
    name: app.name,
    organisation: org.name,
    clientId: app.clientId,
    ...(clientSecret ? { clientSecret } : {}),
    clientType: app.confidential ? 'confidential' : 'public',
    redirectUris: app.redirectUris,
    launchUrl: app.launchUrl,
    protected: app.protected,
    backchannelLogoutUri: app.backchannelLogoutUri,
  };
}

/**
 * Changes an app: its back-channel logout URI (`null` removes it), start URL, protection. Audited;
 * no secret is touched here.
 */
export async function adminUpdateApp(
  db: PortalDb,
  now: number,
  input: {
    name: string;
    backchannelLogoutUri?: string | null;
    launchUrl?: string;
    protected?: boolean;
    orgName?: string;
  },
) {
  const org = await resolveOrganisation(db, now, input.orgName);
  const existing = await findAppByName(db, org.id, input.name.trim());
  if (!existing) throw new PortalError('ERR_NOT_FOUND', `No app named "${input.name}"`);
  const { app } = await db.transaction(async (tx) => {
    const updated = await updateApp(tx, existing.clientId, {
      ...(input.backchannelLogoutUri !== undefined ? { backchannelLogoutUri: input.backchannelLogoutUri } : {}),
      ...(input.launchUrl !== undefined ? { launchUrl: input.launchUrl } : {}),
      ...(input.protected !== undefined ? { protected: input.protected } : {}),
    });
    await audit(
      tx,
      {
        event: 'admin.app.update',
        actor: ACTOR,
        orgId: org.id,
        details: {
          app: updated.app.name,
          clientId: updated.app.clientId,
          protected: updated.app.protected,
          launchUrl: updated.app.launchUrl,
          backchannelLogoutUri: updated.app.backchannelLogoutUri,
        },
      },
      now,
    );
    return updated;
  });
  return {
    name: app.name,
    organisation: org.name,
    clientId: app.clientId,
    launchUrl: app.launchUrl,
    protected: app.protected,
    backchannelLogoutUri: app.backchannelLogoutUri,
  };
}

export async function adminAssignApp(
  db: PortalDb,
  now: number,
  input: { name: string; email: string; orgName?: string },
) {
  const org = await resolveOrganisation(db, now, input.orgName);
  const result = await db.transaction(async (tx) => {
    const r = await assignApp(tx, { orgId: org.id, appName: input.name, email: input.email, now });
    if (!r.alreadyAssigned) {
      await audit(
        tx,
        { event: 'admin.app.assign', actor: ACTOR, orgId: org.id, userId: r.userId, details: { app: r.app.name } },
        now,
      );
    }
    return r;
  });
  return {
    app: result.app.name,
    email: input.email.trim().toLowerCase(),
    assigned: true,
    alreadyAssigned: result.alreadyAssigned,
  };
}

/** Every app (of one organisation when `orgName` is given), with its assignees; no secrets. */
export async function adminListApps(db: PortalDb, now: number, orgName?: string) {
  const orgId = orgName ? (await resolveOrganisation(db, now, orgName)).id : undefined;
  const apps = await listApps(db, orgId);
  const rows = [];
  for (const app of apps) {
    rows.push({
      name: app.name,
      organisation: (await getOrganisation(db, app.orgId))?.name ?? app.orgId,
      clientId: app.clientId,
      clientType: app.confidential ? 'confidential' : 'public',
      protected: app.protected,
      redirectUris: app.redirectUris,
      launchUrl: app.launchUrl,
      backchannelLogoutUri: app.backchannelLogoutUri,
      assignedTo: await listAssignees(db, app.id),
      createdAt: new Date(app.createdAt).toISOString(),
    });
  }
  return rows;
}
