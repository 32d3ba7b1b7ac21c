import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PortalError } from '../../../shared/errors.js';
import { openUnitTestStore } from '../../../test/helpers/testStore.js';
import type { PortalDb } from '../db/PortalDb.js';
import { oidcMigrations } from '../oidc/oidcMigrations.js';
import { ensureOrganisation } from '../store/organisations.js';
import { insertUser } from '../store/users.js';
import { addApp } from './addApp.js';
import { assignApp } from './assignApp.js';
import { listAppsForUser } from './listAppsForUser.js';

describe('apps', () => {
  let db: PortalDb;
  let orgId: string;

  beforeEach(async () => {
    db = await openUnitTestStore({ extraMigrations: oidcMigrations });
    orgId = (await ensureOrganisation(db, 'Example', Date.now())).id;
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

  it('should refuse a redirect URI with a fragment, user info, another scheme, or http off loopback', async () => {
    for (const uri of [
      'https://a.example/cb#x',
      'https://u:p@a.example/cb',
      'javascript:alert(1)',
      'http://a.example/cb',
      'cb',
    ]) {
      expect(await codeOf(() => addApp(db, { orgId, name: 'A', redirectUris: [uri] }))).toBe('ERR_BAD_REQUEST');
    }
  });

  it('should accept http on localhost, 127.0.0.1 and [::1] for development', async () => {
    const { app } = await addApp(db, {
      orgId,
      name: 'Dev',
      redirectUris: ['http://localhost:3000/cb', 'http://127.0.0.1:3000/cb', 'http://[::1]:3000/cb'],
    });
    expect(app.redirectUris).toHaveLength(3);
  });

  it('should refuse a second app with the same name in the organisation', async () => {
    await addApp(db, { orgId, name: 'Wiki', redirectUris: ['https://wiki.example/cb'] });
    expect(await codeOf(() => addApp(db, { orgId, name: 'Wiki', redirectUris: ['https://wiki.example/cb'] }))).toBe(
      'ERR_CONFLICT',
    );
  });

  it('should refuse names with markup or control characters', async () => {
    for (const name of ['<script>', '', ' ', 'a\nb', 'x'.repeat(65)]) {
      expect(await codeOf(() => addApp(db, { orgId, name, redirectUris: ['https://a.example/cb'] }))).toBe(
        'ERR_BAD_REQUEST',
      );
    }
  });

  it('should return no secret when the app is public', async () => {
    const added = await addApp(db, { orgId, name: 'SPA', redirectUris: ['https://spa.example/cb'], public: true });
    expect(added.clientSecret).toBeUndefined();
    expect(added.app.confidential).toBe(false);
  });

  it('should list only the apps assigned to the user, by name', async () => {
    const now = Date.now();
    const alice = await insertUser(db, { orgId, email: 'alice@example.com', passwordHash: 'x', now });
    const bob = await insertUser(db, { orgId, email: 'bob@example.com', passwordHash: 'x', now });
    await addApp(db, { orgId, name: 'Wiki', redirectUris: ['https://wiki.example/cb'] });
    await addApp(db, { orgId, name: 'Payroll', redirectUris: ['https://payroll.example/cb'], protected: true });
    await assignApp(db, { orgId, appName: 'Wiki', email: 'alice@example.com' });
    await assignApp(db, { orgId, appName: 'Payroll', email: 'alice@example.com' });

    expect((await listAppsForUser(db, alice.id)).map((a) => [a.name, a.protected])).toEqual([
      ['Payroll', true],
      ['Wiki', false],
    ]);
    expect(await listAppsForUser(db, bob.id)).toEqual([]);
  });
});
