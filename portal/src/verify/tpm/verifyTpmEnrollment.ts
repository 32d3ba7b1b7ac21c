/**
 * The portal's side of a TPM enrollment (decision 0061), in two calls:
 * - `tpmActivationChallenge`: the device shows its EK certificate and AK; the portal checks the
 *   EK chains to a trusted manufacturer and the AK is a restricted, fixed TPM key, then makes a
 *   credential (MakeCredential) only that TPM can activate, keeping a hash of the secret bound to
 *   this EK and this AK.
 * - `verifyTpmEnrollment`: the device returns the secret (so the AK is in the EK's TPM), and the
 *   identity key certified by that AK for this enrollment token. Returns what the inventory keeps.
 * Refusals are ERR_ATTESTATION_INVALID with a sentence naming what failed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { PortalError } from '../../../../shared/errors.js';
import { fromBase64url, toBase64url } from '../../../../shared/webauthn/base64url.js';
import type { PortalContext } from '../../PortalContext.js';
import { consumeTpmActivation, issueTpmActivation } from '../../store/tpmActivations.js';
import { issueAkCertificate } from './issueAkCertificate.js';
import { makeCredential } from './makeCredential.js';
import { manufacturerName } from './tpmManufacturer.js';
import { verifyAttestationKey } from './verifyAttestationKey.js';
import { verifyCertification } from './verifyCertification.js';
import { verifyEkCertificate } from './verifyEkCertificate.js';

const b64 = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/)
  .max(8192);
export const tpmEvidence = z
  .object({
    ekCertificate: b64,
    akPublicArea: b64,
    identityPublicArea: b64,
    identityCertifyInfo: b64,
    identitySignature: b64,
  })
  .strict();
export const tpmEnrollmentBody = tpmEvidence.extend({ activationSecret: b64 }).strict();

const refuse = (message: string) => new PortalError('ERR_ATTESTATION_INVALID', message);

function checkEkAndAk(ctx: PortalContext, evidence: { ekCertificate: string; akPublicArea: string }) {
  const ekCertificate = fromBase64url(evidence.ekCertificate);
  const ek = verifyEkCertificate({ ekCertificate, trusted: ctx.config.tpmRoots ?? [], now: new Date(ctx.clock()) });
  if (!ek.verified) throw refuse(`TPM attestation refused: ${ek.message}`);
  const ak = verifyAttestationKey(fromBase64url(evidence.akPublicArea));
  if (!ak.verified) throw refuse(`TPM attestation refused: ${ak.message}`);
  const binding = `${createHash('sha256').update(ekCertificate).digest('hex')}.${Buffer.from(ak.name).toString('hex')}`;
  return { ek, ak, binding };
}

export async function tpmActivationChallenge(
  ctx: PortalContext,
  evidence: { ekCertificate: string; akPublicArea: string },
): Promise<{ credentialBlob: string; encryptedSecret: string }> {
  const { ek, ak, binding } = checkEkAndAk(ctx, evidence);
  const secret = randomBytes(32);
  const made = makeCredential({ ekPublicKey: ek.ekPublicKey, akName: ak.name, secret });
  await issueTpmActivation(ctx.db, toBase64url(secret), binding, ctx.clock());
  return { credentialBlob: toBase64url(made.credentialBlob), encryptedSecret: toBase64url(made.encryptedSecret) };
}

export async function verifyTpmEnrollment(
  ctx: PortalContext,
  input: { tpm: z.infer<typeof tpmEnrollmentBody>; token: string; identityJwk: JsonWebKey },
): Promise<{ manufacturer: string; model: string; akPublicJwk: JsonWebKey; attestationCertificate: string }> {
  const { ek, ak, binding } = checkEkAndAk(ctx, input.tpm);
  if (!(await consumeTpmActivation(ctx.db, input.tpm.activationSecret, binding, ctx.clock()))) {
    throw refuse(
      'TPM attestation refused: the attestation key was not activated by the TPM that holds this EK (EK/AK mismatch, or the activation expired); enroll again',
    );
  }
  const certified = verifyCertification({
    akPublicJwk: ak.publicJwk,
    publicArea: fromBase64url(input.tpm.identityPublicArea),
    certifyInfo: fromBase64url(input.tpm.identityCertifyInfo),
    signature: fromBase64url(input.tpm.identitySignature),
    expectedExtraData: createHash('sha256').update('keybound-enroll-v1').update(input.token).digest(),
  });
  if (!certified.verified) throw refuse(`TPM attestation refused: ${certified.message}`);
  if (certified.publicJwk.x !== input.identityJwk.x || certified.publicJwk.y !== input.identityJwk.y) {
    throw refuse('TPM attestation refused: the certified key is not the identity key being enrolled');
  }
  const attestationCertificate = await issueAkCertificate({
    akPublicJwk: ak.publicJwk,
    tpm: ek.tpm,
    now: new Date(ctx.clock()),
  });
  return {
    manufacturer: manufacturerName(ek.tpm.manufacturer),
    model: ek.tpm.model,
    akPublicJwk: ak.publicJwk,
    attestationCertificate: toBase64url(attestationCertificate),
  };
}
