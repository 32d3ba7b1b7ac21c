/**
 * Reads the TPM manufacturer certificates the portal trusts (`keybound portal --tpm-roots FILE`):
 * a PEM bundle of roots and intermediates (TPM vendors publish both; tests use swtpm-localca's).
 * A file without a single certificate is refused at start, not at the first enrollment.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

export function loadTpmRoots(file: string): X509Certificate[] {
  const text = readFileSync(file, 'utf8');
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (pems.length === 0) throw new TypeError(`--tpm-roots ${file} holds no PEM certificate`);
  return pems.map((pem) => new X509Certificate(pem));
}
