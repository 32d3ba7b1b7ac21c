/**
 * Verifies an EK certificate: it chains, signature by signature, to a certificate the portal was
 * configured to trust (the TPM manufacturers' roots and intermediates, `--tpm-roots FILE`); every
 * certificate on the way is within its validity and the issuers are CAs; it names the TPM
 * (manufacturer, model, version); its key is RSA (the EK MakeCredential encrypts to).
 * Never throws: returns `{ verified: false, message }` naming what was found and expected.
 */
import { X509Certificate } from 'node:crypto';
import { type TpmIdentity, tpmIdentityOf } from './tpmManufacturer.js';

export type EkVerification =
  | { verified: true; tpm: TpmIdentity; ekPublicKey: X509Certificate['publicKey']; root: string }
  | { verified: false; message: string };

const MAX_DEPTH = 5;

export function verifyEkCertificate(args: {
  ekCertificate: Uint8Array;
  trusted: readonly X509Certificate[];
  now: Date;
}): EkVerification {
  let ek: X509Certificate;
  try {
    ek = new X509Certificate(args.ekCertificate);
  } catch {
    return { verified: false, message: 'The EK certificate is not a DER X.509 certificate' };
  }
  if (args.trusted.length === 0) {
    return { verified: false, message: 'The portal trusts no TPM manufacturer (start it with --tpm-roots FILE)' };
  }
  const tpm = safeIdentity(args.ekCertificate);
  if (!tpm)
    return { verified: false, message: 'The EK certificate does not name its TPM (manufacturer, model, version)' };
  if (ek.publicKey.asymmetricKeyType !== 'rsa') {
    return {
      verified: false,
      message: `The EK certificate holds a ${ek.publicKey.asymmetricKeyType} key, expected RSA`,
    };
  }
  let current = ek;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (!withinValidity(current, args.now)) {
      return { verified: false, message: `Certificate "${current.subject}" is not valid at ${args.now.toISOString()}` };
    }
    const issuer = args.trusted.find((c) => c.ca && current.checkIssued(c) && current.verify(c.publicKey));
    if (!issuer) {
      return {
        verified: false,
        message: `The EK certificate does not chain to a trusted TPM manufacturer: no trusted issuer for "${current.issuer}"`,
      };
    }
    if (!withinValidity(issuer, args.now)) {
      return { verified: false, message: `Certificate "${issuer.subject}" is not valid at ${args.now.toISOString()}` };
    }
    // A trusted self-signed root ends the chain; a trusted intermediate is followed up to its root.
    if (issuer.checkIssued(issuer) && issuer.verify(issuer.publicKey)) {
      return { verified: true, tpm, ekPublicKey: ek.publicKey, root: issuer.subject };
    }
    current = issuer;
  }
  return { verified: false, message: `The EK certificate chain is longer than ${MAX_DEPTH}` };
}

/** Clocks differ: a certificate made moments ago on the device may start "in the future" here. */
const SKEW_MS = 5 * 60_000;

function withinValidity(c: X509Certificate, now: Date): boolean {
  return new Date(c.validFrom).getTime() - SKEW_MS <= now.getTime() && now <= new Date(c.validTo);
}

function safeIdentity(der: Uint8Array): TpmIdentity | undefined {
  try {
    return tpmIdentityOf(der);
  } catch {
    return undefined;
  }
}
