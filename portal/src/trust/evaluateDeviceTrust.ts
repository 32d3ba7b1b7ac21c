/**
 * Device Trust, decided on every use (not only at sign-in), so that revoking a device or deleting
 * a credential takes effect at once: the facts are read from the store as they are now and
 * decided by decideDeviceTrust. Nothing the device says unsigned counts.
 */
import type { SqlRunner } from '../db/PortalDb.js';
import { getCredential } from '../store/credentials.js';
import { getDevice } from '../store/devices.js';
import { credentialKeyProtection, hardwareKeysPolicy } from '../store/keyProtection.js';
import { getOrganisation } from '../store/organisations.js';
import type { Session, SignInMethod } from '../store/sessions.js';
import { getUser, type User } from '../store/users.js';
import { decideDeviceTrust, type TrustDecision } from './decideDeviceTrust.js';

export type { TrustDecision, TrustReason } from './decideDeviceTrust.js';

/** A sign-in as a session records it: who, how, and with which credential and device. */
export interface SignIn {
  user: Pick<User, 'id' | 'orgId'>;
  method: SignInMethod;
  credentialId: string | null;
  deviceId: string | null;
}

/** Evaluates trust for a sign-in now (undefined: nobody signed in). Pure reads; safe on every request. */
export async function evaluateDeviceTrust(db: SqlRunner, signIn: SignIn | undefined): Promise<TrustDecision> {
  const unread = { credential: undefined, device: undefined, hardwareKeys: 'off', keyProtection: undefined } as const;
  if (!signIn) {
    return decideDeviceTrust({
      user: undefined,
      required: false,
      method: null,
      credentialId: null,
      deviceId: null,
      ...unread,
    });
  }
  const required = (await getOrganisation(db, signIn.user.orgId))?.deviceTrust ?? false;
  const facts = { ...signIn, required, ...unread };
  // Only a device sign-in can be trusted: nothing more to read for the others.
  if (signIn.method !== 'device' || !signIn.credentialId || !signIn.deviceId) return decideDeviceTrust(facts);
  const credential = await getCredential(db, signIn.credentialId);
  const device = await getDevice(db, signIn.deviceId);
  const hardwareKeys = await hardwareKeysPolicy(db, signIn.user.orgId);
  const keyProtection =
    credential && hardwareKeys === 'required' ? await credentialKeyProtection(db, credential.id) : undefined;
  return decideDeviceTrust({ ...facts, credential, device, hardwareKeys, keyProtection });
}

/** The sign-in `session` records, with its `user`; undefined unless the session is signed in. */
export function signInOf(session: Session | undefined, user: User | undefined): SignIn | undefined {
  if (session?.stage !== 'authenticated' || !user || user.id !== session.userId) return undefined;
  return { user, method: session.method, credentialId: session.credentialId, deviceId: session.deviceId };
}

/** Trust of `session` now, reading its user. */
export async function trustOfSession(db: SqlRunner, session: Session | undefined): Promise<TrustDecision> {
  const user = session?.stage === 'authenticated' ? await getUser(db, session.userId) : undefined;
  return evaluateDeviceTrust(db, signInOf(session, user));
}

/**
 * May this session open a protected app? Yes if the organisation's Device Trust is off, or the
 * session is trusted. The decision carries the reason to show when the answer is no.
 */
export async function checkProtectedAccess(
  db: SqlRunner,
  session: Session | undefined,
): Promise<TrustDecision & { allowed: boolean }> {
  const decision = await trustOfSession(db, session);
  const signedIn = decision.reason !== 'not-signed-in';
  return { ...decision, allowed: signedIn && (!decision.required || decision.trusted) };
}
