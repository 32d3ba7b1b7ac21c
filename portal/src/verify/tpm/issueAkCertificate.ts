/**
 * The AK certificate carried in the WebAuthn `tpm` attestation statement's x5c (decision 0061):
 * after the AK was activated against a verified EK, the portal issues it in the shape the WebAuthn
 * spec requires of an AIK certificate (§8.3.1): version 3, empty subject, the TPM's manufacturer,
 * model and version in a critical subjectAltName directoryName (copied from the verified EK
 * certificate), extended key usage tcg-kp-AIKCertificate (2.23.133.8.3), not a CA.
 * The portal trusts the AK because its inventory recorded it at activation, not because of this
 * certificate's signer; the signer is a key the portal makes for the purpose.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AttributeTypeAndValue,
  AttributeValue,
  GeneralName,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
} from '@peculiar/asn1-x509';
import { type TpmIdentity, tcgVendorId } from './tpmManufacturer.js';

const ISSUER = 'CN=Keybound portal attestation key CA';
let issuerKeys: Promise<CryptoKeyPair> | undefined;

export async function issueAkCertificate(args: {
  akPublicJwk: JsonWebKey;
  tpm: TpmIdentity;
  now: Date;
}): Promise<Uint8Array> {
  // @peculiar/x509 uses tsyringe, which needs a Reflect metadata polyfill loaded first; loading
  // both here (not at module load) keeps the polyfill out of every other import path.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(globalThis.crypto);
  issuerKeys ??= crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ]) as Promise<CryptoKeyPair>;
  const keys = await issuerKeys;
  const publicKey = await crypto.subtle.importKey(
    'jwk',
    args.akPublicJwk,
    { name: 'ECDSA', namedCurve: 'P-256' },
    true,
    ['verify'],
  );
  const attr = (type: string, value: string) =>
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) }),
    ]);
  const san = new SubjectAlternativeName([
    new GeneralName({
      directoryName: new Name([
        attr('2.23.133.2.1', tcgVendorId(args.tpm.manufacturer)),
        attr('2.23.133.2.2', args.tpm.model),
        attr('2.23.133.2.3', args.tpm.version),
      ]),
    }),
  ]);
  // A day of margin: verifiers compare with their own clocks.
  const notBefore = new Date(args.now.getTime() - 86_400_000);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(crypto.getRandomValues(new Uint8Array(16)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    subject: '',
    issuer: ISSUER,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 10 * 365 * 86_400_000),
    publicKey,
    signingKey: keys.privateKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension(['2.23.133.8.3'], false),
      new x509.Extension('2.5.29.17', true, AsnConvert.serialize(san)),
    ],
  });
  return new Uint8Array(cert.rawData);
}
