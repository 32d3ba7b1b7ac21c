/**
 * Sign-in (DESIGN.md, "Verification"): the same prerequisites as registration (a device that is
 * no longer enrolled, or whose Protect cannot verify the user, must not sign) → the credential for this RP (from
 * allowCredentials, or the newest for the RP when the portal lets the device choose) → Protect
 * verifies the user → counter+1 persisted → assertion signed with that counter.
 */
import { defaultCrypto } from '../../../shared/crypto/index.js';
import { AuthenticatorError, toWireError } from '../../../shared/errors.js';
import type { PayloadOf, ResultOf } from '../../../shared/protocol/index.js';
import type { RequestOptionsJSON } from '../../../shared/protocol/webauthnJson.js';
import { fromBase64url } from '../../../shared/webauthn/base64url.js';
import { createAuthenticationResponse } from '../../../shared/webauthn/createAuthenticationResponse.js';
import { resolveRpId } from '../../../shared/webauthn/resolveRpId.js';
import { assertPrerequisites } from '../device/prerequisites/prerequisites.js';
import type { CredentialRecord } from '../storage/CredentialStore.js';
import type { RequestContext } from './AuthenticatorApi.js';
import type { AuthenticatorDeps } from './AuthenticatorDeps.js';
import { nodeSha256 } from './nodeSha256.js';

export async function signInWithCredential(
  deps: AuthenticatorDeps,
  req: PayloadOf<'signIn'>,
  ctx: RequestContext,
): Promise<ResultOf<'signIn'>> {
  const crypto = deps.crypto ?? defaultCrypto;
  const now = deps.now ?? (() => new Date());
  const { origin, options } = req;
  const profile = await deps.profile.get();
  assertPrerequisites(profile);
  const rpId = resolveRpId(origin, options.rpId);
  const credential = findCredential(deps, rpId, options);

  const handle = await deps.verifier.verify({
    action: 'signIn',
    origin,
    rpId,
    userName: credential.userName,
    browser: ctx.browser,
    requestId: ctx.requestId,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.events ? { events: ctx.events } : {}),
  });
  try {
    // Durable before signing: a crash after this can skip a counter value, never reuse one.
    const counter = deps.credentials.nextCounter(credential.credentialId, now().toISOString());
    if (counter === undefined) throw notFound(rpId);
    const response = await createAuthenticationResponse({
      subtle: crypto.subtle,
      origin,
      options,
      credentialId: fromBase64url(credential.credentialId),
      userHandle: credential.userHandle,
      signCount: counter,
      userVerified: true,
      sign: (data) => deps.keyStore.sign(credential.keyRef, data),
      sha256: nodeSha256,
    });
    handle.complete({ ok: true });
    deps.audit.record('signin.succeeded', {
      requestId: ctx.requestId,
      rpId,
      origin,
      userName: credential.userName,
      credentialId: credential.credentialId,
      counter,
    });
    return { credential: response };
  } catch (err) {
    const wire = toWireError(err);
    handle.complete({ ok: false, code: wire.code, message: wire.message });
    throw err;
  }
}

function findCredential(deps: AuthenticatorDeps, rpId: string, options: RequestOptionsJSON): CredentialRecord {
  const allowed = options.allowCredentials ?? [];
  if (allowed.length > 0) {
    for (const d of allowed) {
      const c = deps.credentials.get(d.id);
      if (c && c.rpId === rpId) return c;
    }
    throw notFound(rpId);
  }
  const newest = deps.credentials.newestForRp(rpId);
  if (!newest) throw notFound(rpId);
  return newest;
}

function notFound(rpId: string): AuthenticatorError {
  return new AuthenticatorError(
    'ERR_CREDENTIAL_NOT_FOUND',
    `This device has no device sign-in for ${rpId}; register it from the portal, or sign in with your email and password`,
  );
}
