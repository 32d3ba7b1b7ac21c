/**
 * Decision 0052: the portal's credential list decides. `status` with the portal's list calls a
 * credential the portal lost an orphan, and a registration the portal asks for replaces the
 * orphan (same RP and user) instead of leaving the device stuck on it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestDaemonState, type TestDaemonState } from '../../../dev/openTestDaemonState.js';
import { sampleCreationOptions, sampleRequestOptions } from '../../../dev/sampleOptions.js';

const ORIGIN = 'http://localhost:3000';
const ctx = { requestId: 'req-1', browser: 'chrome' };
const opened: TestDaemonState[] = [];
afterEach(async () => {
  for (const t of opened.splice(0)) await t.cleanup();
});

async function registered() {
  const t = await openTestDaemonState();
  opened.push(t);
  const auth = t.state.createAuthenticator(t.protect);
  const user = sampleCreationOptions().user;
  const first = await auth.register({ origin: ORIGIN, options: sampleCreationOptions({ user }) }, ctx);
  return { t, auth, user, firstId: first.credential.id };
}

describe('orphan credentials (decision 0052)', () => {
  it('should report orphaned, not registered, when the portal does not list the device credential', async () => {
    const { auth, firstId } = await registered();
    const q = { rpId: 'localhost', userName: 'ada@example.com' };
    expect(await auth.status(q)).toMatchObject({ registered: true });
    expect((await auth.status(q)).orphaned).toBeUndefined();
    expect(await auth.status({ ...q, knownCredentialIds: [firstId] })).toMatchObject({
      registered: true,
      orphaned: false,
    });
    expect(await auth.status({ ...q, knownCredentialIds: [] })).toMatchObject({ registered: false, orphaned: true });
    expect(await auth.status({ ...q, knownCredentialIds: ['c29tZW9uZS1lbHNl'] })).toMatchObject({
      registered: false,
      orphaned: true,
    });
    // Another user at the same RP holds nothing here: neither registered nor orphaned.
    expect(await auth.status({ rpId: 'localhost', userName: 'bob@example.com', knownCredentialIds: [] })).toMatchObject(
      { registered: false, orphaned: false },
    );
  });

  it('should replace the orphan, key included, when the portal registers the same user again', async () => {
    const { t, auth, user, firstId } = await registered();
    const firstKey = t.state.credentials.get(firstId)?.keyRef as string;
    const second = await auth.register({ origin: ORIGIN, options: sampleCreationOptions({ user }) }, ctx);
    expect(second.credential.id).not.toBe(firstId);
    expect(t.state.credentials.list().map((c) => c.credentialId)).toEqual([second.credential.id]);
    await expect(t.state.keyStore.publicKey(firstKey)).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
    // The replacement signs; a sign-in naming the orphan finds nothing.
    const options = sampleRequestOptions({ allowCredentials: [{ id: second.credential.id, type: 'public-key' }] });
    await expect(auth.signIn({ origin: ORIGIN, options }, ctx)).resolves.toBeDefined();
    const orphan = sampleRequestOptions({ allowCredentials: [{ id: firstId, type: 'public-key' }] });
    await expect(auth.signIn({ origin: ORIGIN, options: orphan }, ctx)).rejects.toMatchObject({
      code: 'ERR_CREDENTIAL_NOT_FOUND',
    });
    expect(
      await auth.status({ rpId: 'localhost', userName: user.name, knownCredentialIds: [second.credential.id] }),
    ).toMatchObject({ registered: true, orphaned: false });
  });

  it('should replace a credential of the same user handle under a new name, and keep other users', async () => {
    const { t, auth, user, firstId } = await registered();
    const bob = await auth.register(
      {
        origin: ORIGIN,
        options: sampleCreationOptions({ user: { id: 'Ym9iLWhhbmRsZQ', name: 'bob@example.com', displayName: 'Bob' } }),
      },
      ctx,
    );
    const renamed = { ...user, name: 'ada.lovelace@example.com' };
    const second = await auth.register({ origin: ORIGIN, options: sampleCreationOptions({ user: renamed }) }, ctx);
    const ids = t.state.credentials.list().map((c) => c.credentialId);
    expect(ids).not.toContain(firstId);
    expect(ids.sort()).toEqual([bob.credential.id, second.credential.id].sort());
  });

  it('should refuse, and replace nothing, when the portal still lists the device credential', async () => {
    const { t, auth, user, firstId } = await registered();
    const options = sampleCreationOptions({ user, excludeCredentials: [{ id: firstId, type: 'public-key' }] });
    await expect(auth.register({ origin: ORIGIN, options }, ctx)).rejects.toMatchObject({
      code: 'ERR_CREDENTIAL_EXCLUDED',
    });
    expect(t.state.credentials.list().map((c) => c.credentialId)).toEqual([firstId]);
  });

  it('should keep the orphan when Protect denies the new registration', async () => {
    const { t, auth, user, firstId } = await registered();
    t.protect.mode = 'deny';
    await expect(
      auth.register({ origin: ORIGIN, options: sampleCreationOptions({ user }) }, ctx),
    ).rejects.toMatchObject({ code: 'ERR_USER_DENIED' });
    expect(t.state.credentials.list().map((c) => c.credentialId)).toEqual([firstId]);
  });
});
