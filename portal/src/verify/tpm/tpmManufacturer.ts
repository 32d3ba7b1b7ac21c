/**
 * The TPM's identity as its EK certificate states it: the TCG attributes in the certificate's
 * subjectAltName directoryName (TCG EK Credential Profile §3.2.9) — manufacturer (2.23.133.2.1,
 * e.g. "id:49465800" Infineon, "id:00001014" IBM/swtpm), model (2.23.133.2.2), version (2.23.133.2.3).
 */
import { AsnParser } from '@peculiar/asn1-schema';
import { Certificate, id_ce_subjectAltName, SubjectAlternativeName } from '@peculiar/asn1-x509';

export interface TpmIdentity {
  manufacturer: string;
  model: string;
  version: string;
}

const OIDS = { '2.23.133.2.1': 'manufacturer', '2.23.133.2.2': 'model', '2.23.133.2.3': 'version' } as const;

/** Reads the TCG TPM attributes from a DER certificate; undefined when any is missing. */
export function tpmIdentityOf(der: Uint8Array): TpmIdentity | undefined {
  const cert = AsnParser.parse(der, Certificate);
  const ext = cert.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectAltName);
  if (!ext) return undefined;
  const san = AsnParser.parse(ext.extnValue, SubjectAlternativeName);
  const found: Partial<TpmIdentity> = {};
  for (const name of san) {
    for (const rdn of name.directoryName ?? []) {
      for (const attr of rdn) {
        const key = OIDS[attr.type as keyof typeof OIDS];
        if (key) found[key] = attr.value.toString();
      }
    }
  }
  return found.manufacturer && found.model && found.version ? (found as TpmIdentity) : undefined;
}

/** Readable names for the manufacturer ids seen most (TCG Vendor ID Registry). */
const VENDORS: Record<string, string> = {
  'id:414D4400': 'AMD',
  'id:41544D4C': 'Atmel',
  'id:4252434D': 'Broadcom',
  'id:00001014': 'IBM (swtpm)',
  'id:49424D00': 'IBM',
  'id:49465800': 'Infineon',
  'id:494E5443': 'Intel',
  'id:4D534654': 'Microsoft',
  'id:4E534D20': 'National Semiconductor',
  'id:4E544300': 'Nuvoton',
  'id:51434F4D': 'Qualcomm',
  'id:53544D20': 'STMicroelectronics',
  'id:474F4F47': 'Google',
};

export function manufacturerName(id: string): string {
  return VENDORS[id.toUpperCase().replace(/^ID:/, 'id:')] ?? id;
}

/**
 * The TCG vendor id for the AK certificate: swtpm (libtpms, IBM's software TPM) reports IBM's
 * PCI vendor id 0x1014 ("id:00001014") instead of IBM's TCG registry id "id:49424D00", which
 * WebAuthn verifiers look up in the TCG vendor registry. Everything else passes unchanged.
 */
export function tcgVendorId(id: string): string {
  return id.toUpperCase() === 'ID:00001014' ? 'id:49424D00' : id;
}
