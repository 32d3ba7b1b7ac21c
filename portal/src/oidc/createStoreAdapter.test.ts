import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openUnitTestStore } from '../../../test/helpers/testStore.js';
import { addApp } from '../apps/addApp.js';
import type { PortalDb } from '../db/PortalDb.js';
import { ensureOrganisation } from '../store/organisations.js';
import { createStoreAdapter } from './createStoreAdapter.js';
import { loadOidcKeys } from './loadOidcKeys.js';
import { oidcMigrations } from './oidcMigrations.js';

describe('createStoreAdapter', () => {
  let db: PortalDb;
  let now: number;
  let adapter: ReturnType<typeof createStoreAdapter>;

  beforeEach(async () => {
    db = await openUnitTestStore({ extraMigrations: oidcMigrations });
    now = 1_700_000_000_000;
    adapter = createStoreAdapter(db, () => now);
  });
  afterEach(() => db.close());

  it('should refuse a second consume of a code and revoke its grant when it is reused', async () => {
    const codes = adapter('AuthorizationCode');
    await codes.upsert('c1', { accountId: 'usr_1', grantId: 'g1' }, 60);
    await adapter('AccessToken').upsert('a1', { grantId: 'g1' }, 60);
    await codes.consume('c1');
    const first = await codes.find('c1');
    expect(first?.consumed).toBe(1_700_000_000);
    now += 5000;
    // Another instance that read the code as unused before the first consume loses here.
    await expect(codes.consume('c1')).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await codes.find('c1')).toBeUndefined();
    expect(await adapter('AccessToken').find('a1')).toBeUndefined();
  });

  it('should return nothing when the artefact has expired', async () => {
    const sessions = adapter('Session');
    await sessions.upsert('s1', { uid: 'u1', accountId: 'usr_1' }, 10);
    expect(await sessions.findByUid('u1')).toMatchObject({ accountId: 'usr_1' });
    now += 10_000;
    expect(await sessions.find('s1')).toBeUndefined();
    expect(await sessions.findByUid('u1')).toBeUndefined();
  });

  it('should delete every artefact of a grant when the grant is revoked', async () => {
    await adapter('AccessToken').upsert('a1', { grantId: 'g1' }, 60);
    await adapter('AuthorizationCode').upsert('c1', { grantId: 'g1' }, 60);
    await adapter('AccessToken').upsert('a2', { grantId: 'g2' }, 60);
    await adapter('AccessToken').revokeByGrantId('g1');
    expect(await adapter('AccessToken').find('a1')).toBeUndefined();
    expect(await adapter('AuthorizationCode').find('c1')).toBeUndefined();
    expect(await adapter('AccessToken').find('a2')).toBeDefined();
  });

  it('should read clients from the apps table, with the secret hash and never the secret', async () => {
    const orgId = (await ensureOrganisation(db, 'Example', now)).id;
    const { app, clientSecret } = await addApp(db, { orgId, name: 'Wiki', redirectUris: ['https://wiki.example/cb'] });
    const client = await adapter('Client').find(app.clientId);
    expect(client).toMatchObject({
      client_id: app.clientId,
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: ['https://wiki.example/cb'],
      response_types: ['code'],
    });
    expect(client?.client_secret).not.toBe(clientSecret);
    expect(await adapter('Client').find('kbc_unknown')).toBeUndefined();
  });
});

describe('loadOidcKeys', () => {
  it('should create the keys once and return the same ones afterwards', async () => {
    const db = await openUnitTestStore({ extraMigrations: oidcMigrations });
    const [first, concurrent] = await Promise.all([loadOidcKeys(db), loadOidcKeys(db)]);
    const second = await loadOidcKeys(db);
    await db.close();
    expect(concurrent).toEqual(first);
    expect(first.signingKeys).toHaveLength(1);
    expect(first.signingKeys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(second).toEqual(first);
  });
});
