/**
 * What `keybound admin ssf receiver add|list|remove` and `admin revocation list` do, as plain functions over the database.
 * Every change is audited with actor `admin:cli`. Endpoints follow the redirect-URI rule: https,
 * or http on localhost only (a SET says who was signed out: it must not cross a network in clear).
 */
import { PortalError } from '../../../shared/errors.js';
import { resolveOrganisation } from '../admin/adminActions.js';
import { findAppByName } from '../apps/findApp.js';
import { validateRedirectUri } from '../apps/validateRedirectUri.js';
import type { PortalDb } from '../db/PortalDb.js';
import { randomId } from '../security/tokens.js';
import { audit } from '../store/audit.js';
import { listOutbox, type OutboxRow } from './outbox.js';
import { deleteSsfReceiver, findSsfReceiver, insertSsfReceiver, listSsfReceivers } from './ssfReceivers.js';

const ACTOR = 'admin:cli';
const MAX_AUDIENCE = 512;

/** Adds a push receiver. `audience` defaults to the app's client id, else the endpoint's origin. */
export async function ssfReceiverAdd(
  db: PortalDb,
  now: number,
  input: { endpointUrl: string; audience?: string; appName?: string; orgName?: string },
) {
  const org = await resolveOrganisation(db, now, input.orgName);
  const endpointUrl = validateRedirectUri(input.endpointUrl, 'SSF receiver endpoint');
  const app = input.appName ? await findAppByName(db, org.id, input.appName) : undefined;
  if (input.appName && !app) throw new PortalError('ERR_NOT_FOUND', `No app named "${input.appName}"`);
  const audience = input.audience?.trim() || app?.clientId || new URL(endpointUrl).origin;
  if (audience.length > MAX_AUDIENCE || !/^[\x21-\x7e]+$/.test(audience)) {
    throw new PortalError('ERR_BAD_REQUEST', `Audience "${audience}" is not valid, expected a URI or an id`);
  }
  if (await findSsfReceiver(db, org.id, endpointUrl)) {
    throw new PortalError('ERR_CONFLICT', `A receiver at "${endpointUrl}" already exists`);
  }
  const receiver = {
    id: randomId('ssf'),
    orgId: org.id,
    endpointUrl,
    audience,
    appId: app?.id ?? null,
    createdAt: now,
  };
  await db.transaction(async (tx) => {
    await insertSsfReceiver(tx, receiver);
    await audit(
      tx,
      {
        event: 'admin.ssf.receiver.add',
        actor: ACTOR,
        orgId: org.id,
        details: { id: receiver.id, endpointUrl, audience, app: app?.name ?? null },
      },
      now,
    );
  });
  return { id: receiver.id, organisation: org.name, endpointUrl, audience, app: app?.name ?? null };
}

export async function ssfReceiverList(db: PortalDb, now: number, orgName?: string) {
  const org = await resolveOrganisation(db, now, orgName);
  const apps = new Map(
    (await db.all<{ id: string; name: string }>('SELECT id, name FROM apps WHERE org_id = ?', [org.id])).map((a) => [
      a.id,
      a.name,
    ]),
  );
  return (await listSsfReceivers(db, org.id)).map((r) => ({
    id: r.id,
    endpointUrl: r.endpointUrl,
    audience: r.audience,
    app: r.appId ? (apps.get(r.appId) ?? r.appId) : null,
    createdAt: new Date(r.createdAt).toISOString(),
  }));
}

/** Removes a receiver by id or endpoint URL; notices already queued for it are still delivered. */
export async function ssfReceiverRemove(db: PortalDb, now: number, idOrUrl: string, orgName?: string) {
  const org = await resolveOrganisation(db, now, orgName);
  const receiver = await findSsfReceiver(db, org.id, idOrUrl);
  if (!receiver) throw new PortalError('ERR_NOT_FOUND', `No SSF receiver "${idOrUrl}"`);
  await db.transaction(async (tx) => {
    await deleteSsfReceiver(tx, receiver.id);
    await audit(
      tx,
      {
        event: 'admin.ssf.receiver.remove',
        actor: ACTOR,
        orgId: org.id,
        details: { id: receiver.id, endpointUrl: receiver.endpointUrl },
      },
      now,
    );
  });
  return { id: receiver.id, endpointUrl: receiver.endpointUrl, removed: true };
}

/**
 * The revocation notices (back-channel logout and CAEP), newest first: where each went, its state
 * (`pending`, `delivered`, `failed`), attempts and last error. No tokens: they are signed at
 * delivery and never stored.
 */
export async function revocationNoticeList(db: PortalDb, _now: number, filter?: 'pending' | 'delivered' | 'failed') {
  const state = (r: OutboxRow) => (r.deliveredAt !== null ? 'delivered' : r.failedAt !== null ? 'failed' : 'pending');
  return (await listOutbox(db, 10_000))
    .reverse()
    .filter((r) => !filter || state(r) === filter)
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      target: r.target,
      event: r.kind === 'caep' ? r.payload.eventType : 'logout',
      state: state(r),
      attempts: r.attempts,
      createdAt: new Date(r.createdAt).toISOString(),
      lastError: r.lastError,
    }));
}
