import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PortalError } from '../../../shared/errors.js';
import { openUnitTestStore } from '../../../test/helpers/testStore.js';
import { adminAddApp, adminUpdateApp } from '../apps/appAdminActions.js';
import type { PortalDb } from '../db/PortalDb.js';
import { clientMetadataForApp } from '../oidc/clientMetadataForApp.js';
import { oidcMigrations } from '../oidc/oidcMigrations.js';
import { listAudit } from '../store/audit.js';
import { ensureOrganisation } from '../store/organisations.js';
import { ssfReceiverAdd, ssfReceiverList, ssfReceiverRemove } from './ssfAdminActions.js';

describe('SSF receivers and back-channel logout URIs (admin)', () => {
  let db: PortalDb;
  const now = Date.now();

  beforeEach(async () => {
    db = await openUnitTestStore({ extraMigrations: oidcMigrations });
    await ensureOrganisation(db, 'Example', now);
  });
  afterEach(() => db.close());

  const codeOf = async (f: () => Promise<unknown>) => {
    try {
      await f();
    } catch (err) {
      return err instanceof PortalError ? err.code : 'not a PortalError';
    }
    return 'no error';
  };

  it('should refuse a receiver off https (but loopback), an unknown app, a bad audience, or the same URL twice', async () => {
    for (const endpointUrl of ['http://receiver.example/ssf', 'ftp://x/ssf', 'ssf', 'https://u:p@r.example/']) {
      expect(await codeOf(() => ssfReceiverAdd(db, now, { endpointUrl }))).toBe('ERR_BAD_REQUEST');
    }
    expect(await codeOf(() => ssfReceiverAdd(db, now, { endpointUrl: 'https://r.example/ssf', appName: 'Nope' }))).toBe(
      'ERR_NOT_FOUND',
    );
    expect(await codeOf(() => ssfReceiverAdd(db, now, { endpointUrl: 'https://r.example/ssf', audience: 'a b' }))).toBe(
      'ERR_BAD_REQUEST',
    );
    await ssfReceiverAdd(db, now, { endpointUrl: 'https://r.example/ssf' });
    expect(await codeOf(() => ssfReceiverAdd(db, now, { endpointUrl: 'https://r.example/ssf' }))).toBe('ERR_CONFLICT');
    expect(await ssfReceiverList(db, now)).toHaveLength(1);
  });

  it('should default the audience to the app client id, list and remove by URL, and audit each change', async () => {
    const app = await adminAddApp(db, now, { name: 'Payroll', redirectUris: ['https://payroll.example/cb'] });
    const added = await ssfReceiverAdd(db, now, { endpointUrl: 'https://payroll.example/ssf', appName: 'Payroll' });
    expect(added).toMatchObject({ audience: app.clientId, app: 'Payroll' });
    const wide = await ssfReceiverAdd(db, now, { endpointUrl: 'http://127.0.0.1:9/ssf' });
    expect(wide.audience).toBe('http://127.0.0.1:9');
    expect((await ssfReceiverList(db, now)).map((r) => r.app ?? '-').sort()).toEqual(['-', 'Payroll']);
    expect(await ssfReceiverRemove(db, now, 'https://payroll.example/ssf')).toMatchObject({ removed: true });
    expect(await codeOf(() => ssfReceiverRemove(db, now, added.id))).toBe('ERR_NOT_FOUND');
    const events = (await listAudit(db)).map((e) => e.event);
    expect(events.filter((e) => e.startsWith('admin.ssf.'))).toEqual([
      'admin.ssf.receiver.add',
      'admin.ssf.receiver.add',
      'admin.ssf.receiver.remove',
    ]);
  });

  it('should register a back-channel logout URI (sid required) and remove it again', async () => {
    const bad = await codeOf(() =>
      adminAddApp(db, now, {
        name: 'A',
        redirectUris: ['https://a.example/cb'],
        backchannelLogoutUri: 'http://a.example/logout',
      }),
    );
    expect(bad).toBe('ERR_BAD_REQUEST');
    const app = await adminAddApp(db, now, {
      name: 'A',
      redirectUris: ['https://a.example/cb'],
      backchannelLogoutUri: 'https://a.example/logout',
    });
    expect(await clientMetadataForApp(db, app.clientId)).toMatchObject({
      backchannel_logout_uri: 'https://a.example/logout',
      backchannel_logout_session_required: true,
    });
    expect(await adminUpdateApp(db, now, { name: 'A', backchannelLogoutUri: null })).toMatchObject({
      backchannelLogoutUri: null,
    });
    expect(await clientMetadataForApp(db, app.clientId)).not.toHaveProperty('backchannel_logout_uri');
    expect(await codeOf(() => adminUpdateApp(db, now, { name: 'B', backchannelLogoutUri: null }))).toBe(
      'ERR_NOT_FOUND',
    );
  });
});
