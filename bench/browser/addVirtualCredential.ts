/**
 * Chromium's built-in WebAuthn for the comparison: a DevTools virtual authenticator (a CTAP2
 * platform authenticator with user verification that always passes) holding one credential that
 * the portal knows for the demo user.
 *
 * Why the credential is planted instead of registered through the portal: the portal only accepts
 * a registration with a device statement signed by an enrolled device's identity key, which a
 * virtual authenticator cannot make. So the benchmark makes the ES256 key itself, gives the
 * private key to the virtual authenticator (`WebAuthn.addCredential`, PKCS#8) and stores the
 * public key through the portal's own store (`insertCredential`), bound to the user and to the
 * demo stack's enrolled device — exactly the row a successful registration would have written.
 * Sign-in then runs through the portal's unchanged verification.
 */
import { randomBytes, webcrypto } from 'node:crypto';
import type { CDPSession, Page } from 'playwright-core';
import type { PortalDb } from '../../portal/src/db/openDatabase.js';
import { insertCredential } from '../../portal/src/store/credentials.js';
import { findUsersByEmail } from '../../portal/src/store/users.js';
import { toBase64url } from '../../shared/webauthn/base64url.js';
import { encodeCoseEc2PublicKey } from '../../shared/webauthn/encodeCoseEc2PublicKey.js';

export interface VirtualCredentialOptions {
  /** The tab the authenticator is attached to (a virtual authenticator belongs to one tab). */
  page: Page;
  db: PortalDb;
  rpId: string;
  email: string;
  /** An enrolled, unrevoked device of the user's organisation. */
  deviceId: string;
}

export interface VirtualCredential {
  credentialId: string;
  authenticatorId: string;
  /** The DevTools session the authenticator lives in; detaching it removes the authenticator. */
  cdp: CDPSession;
  /** The authenticator's signature counter as Chromium reports it. */
  signCount(): Promise<number>;
}

/** Adds the virtual authenticator to `page`, plants one credential and registers it with the portal. */
export async function addVirtualCredential(o: VirtualCredentialOptions): Promise<VirtualCredential> {
  const [user, ...others] = await findUsersByEmail(o.db, o.email);
  if (!user || others.length > 0) throw new Error(`expected exactly one portal user ${o.email}`);

  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const rawPublic = new Uint8Array(await webcrypto.subtle.exportKey('raw', keys.publicKey));
  const id = randomBytes(32);

  const cdp = await o.page.context().newCDPSession(o.page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  // DevTools `binary` fields are standard base64.
  await cdp.send('WebAuthn.addCredential', {
    authenticatorId,
    credential: {
      credentialId: id.toString('base64'),
      isResidentCredential: false,
      rpId: o.rpId,
      privateKey: pkcs8.toString('base64'),
      signCount: 0,
    },
  });

  const credentialId = toBase64url(id);
  await insertCredential(o.db, {
    id: credentialId,
    userId: user.id,
    deviceId: o.deviceId,
    publicKey: encodeCoseEc2PublicKey(rawPublic),
    counter: 0,
    transports: ['internal'],
    createdAt: Date.now(),
  });

  return {
    credentialId,
    authenticatorId,
    cdp,
    signCount: async () => {
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      return credentials.find((c) => c.credentialId === id.toString('base64'))?.signCount ?? -1;
    },
  };
}
