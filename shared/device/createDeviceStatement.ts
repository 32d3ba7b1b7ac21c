/**
 * The device statement: a compact JWS (ES256) signed by the device identity key registered in the
 * organisation's inventory, binding a new WebAuthn credential to the enrolled device. The portal's
 * Device Trust rests on this signature, never on an unsigned claim (DESIGN.md, "Wire format").
 *
 * Header `{ alg: 'ES256', typ: 'keybound-device-statement+jwt', kid: deviceId }`; payload
 * `{ iss: deviceId, aud: rpId, sub: credentialId, cnf: { coseKeySha256 }, challenge, enrollmentType, iat }`.
 */
import type { EnrollmentType } from '../protocol/device.js';
import { toBase64url } from '../webauthn/base64url.js';
import { sha256 } from '../webauthn/sha256.js';
import { credentialIdText } from './credentialIdText.js';
import {
  DEVICE_STATEMENT_ALG,
  DEVICE_STATEMENT_TYP,
  type DeviceStatementPayload,
  deviceStatementHeader,
  deviceStatementPayload,
} from './deviceStatementSchema.js';

/** Signs bytes with the device identity key; returns the raw 64-byte r‖s ECDSA P-256 signature. */
export type DeviceStatementSigner = (data: Uint8Array<ArrayBuffer>) => Promise<Uint8Array>;

/**
 * Signs a device statement with the device identity key. Give either a WebCrypto `privateKey`
 * (non-extractable is fine) or a `sign` callback: a hardware identity key (Secure Enclave, TPM)
 * can only be asked to sign, never handed over. ES256 in JWS is exactly WebCrypto's raw r‖s
 * signature, so the compact JWS is built directly; verifyDeviceStatement checks it with jose.
 */
export async function createDeviceStatement(args: {
  privateKey?: CryptoKey;
  sign?: DeviceStatementSigner;
  deviceId: string;
  rpId: string;
  /** The credential id: bytes, or its base64url text. */
  credentialId: Uint8Array | string;
  cosePublicKey: Uint8Array;
  /** The registration options' challenge (base64url), as received. */
  challenge: string;
  enrollmentType: EnrollmentType;
  now?: Date;
  subtle?: SubtleCrypto;
}): Promise<string> {
  const { privateKey } = args;
  const sign: DeviceStatementSigner | undefined =
    args.sign ??
    (privateKey
      ? async (data) =>
          new Uint8Array(
            await (args.subtle ?? crypto.subtle).sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, data),
          )
      : undefined);
  if (!sign) throw new TypeError('createDeviceStatement needs a privateKey or a sign callback');
  const header = deviceStatementHeader.parse({
    alg: DEVICE_STATEMENT_ALG,
    typ: DEVICE_STATEMENT_TYP,
    kid: args.deviceId,
  });
  const payload: DeviceStatementPayload = deviceStatementPayload.parse({
    iss: args.deviceId,
    aud: args.rpId,
    sub: credentialIdText(args.credentialId),
    cnf: { coseKeySha256: toBase64url(await sha256(args.cosePublicKey)) },
    challenge: args.challenge,
    enrollmentType: args.enrollmentType,
    iat: Math.floor((args.now ?? new Date()).getTime() / 1000),
  });
  const enc = new TextEncoder();
  const signingInput = `${toBase64url(enc.encode(JSON.stringify(header)))}.${toBase64url(enc.encode(JSON.stringify(payload)))}`;
  return `${signingInput}.${toBase64url(await sign(enc.encode(signingInput)))}`;
}
