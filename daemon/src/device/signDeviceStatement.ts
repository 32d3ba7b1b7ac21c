/**
 * Signs the device statement (shared/device, the daemon ⇄ portal contract) through the KeyStore
 * seam rather than with a CryptoKey: a hardware identity key (Secure Enclave, TPM) can only be
 * asked to sign, never handed over. ES256 in JWS is exactly WebCrypto's raw r‖s signature, so
 * the compact JWS is header.payload.base64url(sign(header.payload)). The header and payload are
 * validated against the shared schemas, so this cannot drift from verifyDeviceStatement.
 */
import type { CryptoProvider } from '../../../shared/crypto/index.js';
import { defaultCrypto } from '../../../shared/crypto/index.js';
import {
  DEVICE_STATEMENT_ALG,
  DEVICE_STATEMENT_TYP,
  deviceStatementHeader,
  deviceStatementPayload,
} from '../../../shared/device/deviceStatementSchema.js';
import type { EnrollmentType } from '../../../shared/protocol/device.js';
import { toBase64url } from '../../../shared/webauthn/base64url.js';
import type { KeyStore } from '../keys/KeyStore.js';

const enc = new TextEncoder();

/** A compact JWS binding `credentialId` and its COSE key to this enrolled device, signed by the identity key. */
export async function signDeviceStatement(args: {
  keyStore: KeyStore;
  identityKeyRef: string;
  deviceId: string;
  rpId: string;
  credentialId: string;
  cosePublicKey: Uint8Array;
  challenge: string;
  enrollmentType: EnrollmentType;
  now: Date;
  crypto?: CryptoProvider;
}): Promise<string> {
  const subtle = (args.crypto ?? defaultCrypto).subtle;
  const header = deviceStatementHeader.parse({
    alg: DEVICE_STATEMENT_ALG,
    typ: DEVICE_STATEMENT_TYP,
    kid: args.deviceId,
  });
  const coseKeySha256 = toBase64url(new Uint8Array(await subtle.digest('SHA-256', new Uint8Array(args.cosePublicKey))));
  const payload = deviceStatementPayload.parse({
    iss: args.deviceId,
    aud: args.rpId,
    sub: args.credentialId,
    cnf: { coseKeySha256 },
    challenge: args.challenge,
    enrollmentType: args.enrollmentType,
    iat: Math.floor(args.now.getTime() / 1000),
  });
  const signingInput = `${toBase64url(enc.encode(JSON.stringify(header)))}.${toBase64url(enc.encode(JSON.stringify(payload)))}`;
  const signature = await args.keyStore.sign(args.identityKeyRef, enc.encode(signingInput));
  return `${signingInput}.${toBase64url(signature)}`;
}
