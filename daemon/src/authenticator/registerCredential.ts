/**
 * Registration (DESIGN.md, "Registration" step 4–5): prerequisites → RP ID → excludeCredentials
 * → Protect verifies the user → new key → WebAuthn attestation response (UV set only because
 * Protect resolved) → device statement → credential persisted, replacing this user's credentials
 * the portal no longer knows (orphans) in the same transaction → Protect told "Configured".
 * If Protect denies or times out, its error propagates and no response exists at all.
 */
import { defaultCrypto } from '../../../shared/crypto/index.js';
import { createDeviceStatement } from '../../../shared/device/createDeviceStatement.js';
import { AuthenticatorError, toWireError } from '../../../shared/errors.js';
import type { PayloadOf, ResultOf } from '../../../shared/protocol/index.js';
import { fromBase64url, toBase64url } from '../../../shared/webauthn/base64url.js';
import { COSE_ALG_ES256, createRegistrationResponse } from '../../../shared/webauthn/createRegistrationResponse.js';
import { resolveRpId } from '../../../shared/webauthn/resolveRpId.js';
import type { DeviceProfile } from '../device/deviceProfile.js';
import { assertPrerequisites } from '../device/prerequisites/prerequisites.js';
import { P256 } from '../keys/KeyStore.js';
import { TpmKeyStore } from '../keys/tpm/TpmKeyStore.js';
import { tpmAttestationStatement } from '../keys/tpm/tpmAttestationStatement.js';
import type { RequestContext } from './AuthenticatorApi.js';
import type { AuthenticatorDeps } from './AuthenticatorDeps.js';
import { ensureDeviceIdentity } from './ensureDeviceIdentity.js';
import { nodeSha256 } from './nodeSha256.js';

export async function registerCredential(
  deps: AuthenticatorDeps,
  req: PayloadOf<'register'>,
  ctx: RequestContext,
): Promise<ResultOf<'register'>> {
  const crypto = deps.crypto ?? defaultCrypto;
  const now = deps.now ?? (() => new Date());
  const { origin, options } = req;
  const profile = await deps.profile.get();
  assertPrerequisites(profile);
  const rpId = resolveRpId(origin, options.rp.id);
  if (!options.pubKeyCredParams.some((p) => p.alg === COSE_ALG_ES256)) {
    const algs = options.pubKeyCredParams.map((p) => p.alg).join(', ');
    throw new AuthenticatorError(
      'ERR_ALGORITHM_UNSUPPORTED',
      `Unsupported algorithms [${algs}], expected ES256 (-7) among them`,
    );
  }
  // WebAuthn's excludeCredentials: this device already holds one of them for this RP.
  for (const excluded of options.excludeCredentials ?? []) {
    const existing = deps.credentials.get(excluded.id);
    if (existing && existing.rpId === rpId) {
      throw new AuthenticatorError(
        'ERR_CREDENTIAL_EXCLUDED',
        `This device is already registered for ${existing.userName} at ${rpId}; delete it in Protect to register again`,
      );
    }
  }

  // None of them was excluded, so the portal's list does not hold them: orphans, replaced below.
  const orphans = orphansOf(deps, rpId, options);

  const handle = await deps.verifier.verify({
    action: 'register',
    origin,
    rpId,
    userName: options.user.name,
    browser: ctx.browser,
    requestId: ctx.requestId,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.events ? { events: ctx.events } : {}),
  });

  let keyRef: string | undefined;
  try {
    const identity = await ensureDeviceIdentity(deps);
    const key = await deps.keyStore.create({ purpose: 'credential' });
    keyRef = key.ref;
    const credentialId = crypto.getRandomValues(new Uint8Array(32));
    const credentialIdText = toBase64url(credentialId);
    const publicKey = await crypto.subtle.importKey('jwk', key.publicJwk, P256, true, ['verify']);
    const { response, cosePublicKey } = await createRegistrationResponse({
      subtle: crypto.subtle,
      origin,
      options,
      credentialId,
      publicKey,
      signCount: 0,
      // Protect's verify() resolved above: only now may the UV flag be set.
      userVerified: true,
      sha256: nodeSha256,
      ...attestationFor(deps, identity.profile, key.ref),
    });
    const at = now();
    // The identity key may live in hardware: it is asked to sign through the KeyStore, never handed over.
    const deviceStatement = await createDeviceStatement({
      sign: (data) => deps.keyStore.sign(identity.identityKeyRef, data),
      deviceId: identity.deviceId,
      rpId,
      credentialId: credentialIdText,
      cosePublicKey,
      challenge: options.challenge,
      // assertPrerequisites passed, so the device is enrolled; the type may still be unknown to a host probe.
      enrollmentType: profile.enrollment.type ?? 'desktop-agent',
      now: at,
    });
    deps.credentials.replace(
      {
        credentialId: credentialIdText,
        rpId,
        origin,
        userName: options.user.name,
        userDisplayName: options.user.displayName,
        userHandle: options.user.id,
        createdAt: at.toISOString(),
        lastUsedAt: null,
        counter: 0,
        deviceId: identity.deviceId,
        keyRef: key.ref,
      },
      orphans.map((o) => o.credentialId),
    );
    keyRef = undefined;
    for (const o of orphans) await deps.keyStore.delete(o.keyRef).catch(() => undefined);
    handle.complete({ ok: true });
    deps.audit.record('registration.succeeded', {
      requestId: ctx.requestId,
      rpId,
      origin,
      userName: options.user.name,
      credentialId: credentialIdText,
      deviceId: identity.deviceId,
      ...(orphans.length > 0 ? { replaced: orphans.map((o) => o.credentialId).join(' ') } : {}),
    });
    return { credential: response, deviceStatement };
  } catch (err) {
    if (keyRef) await deps.keyStore.delete(keyRef).catch(() => undefined);
    const wire = toWireError(err);
    handle.complete({ ok: false, code: wire.code, message: wire.message });
    throw err;
  }
}

/**
 * The device's credentials for this user at this RP that the portal did not list in
 * excludeCredentials (the caller refused the listed ones already): the portal lost them, so this
 * registration replaces them (decision 0052). The user is matched by handle, as WebAuthn's
 * authenticatorMakeCredential replaces a credential of the same RP and user handle, and by name,
 * since a user the admin re-created keeps the email but gets a new handle.
 */
function orphansOf(deps: AuthenticatorDeps, rpId: string, options: PayloadOf<'register'>['options']) {
  const byName = deps.credentials.listByUser(rpId, options.user.name);
  const byHandle = deps.credentials.listByUserHandle(rpId, options.user.id);
  const all = new Map([...byName, ...byHandle].map((c) => [c.credentialId, c]));
  return [...all.values()];
}

/** A TPM key store whose attestation key the portal activated attests each new key ('tpm'); else 'none'. */
function attestationFor(deps: AuthenticatorDeps, profile: DeviceProfile, keyRef: string) {
  const { attestationKeyRef, attestationCertificate } = profile.enrollment;
  if (!(deps.keyStore instanceof TpmKeyStore) || !attestationKeyRef || !attestationCertificate) return {};
  return {
    attest: tpmAttestationStatement({
      store: deps.keyStore,
      keyRef,
      attestationKeyRef,
      attestationCertificate: fromBase64url(attestationCertificate),
    }),
  };
}
