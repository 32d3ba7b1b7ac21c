import { timingSafeEqual } from 'node:crypto';
import type Provider from 'oidc-provider';
import { hashToken } from '../security/tokens.js';

/**
 * Makes this provider compare a presented client secret with the stored SHA-256 hash instead of
 * with a plaintext secret (oidc-provider keeps secrets in clear by default). Patches only this
 * provider's own Client class, in constant time. Symmetric (HS*) algorithms, which would need the
 * plaintext secret as a key, are not enabled (see createOidcProvider).
 */
export function compareHashedClientSecret(provider: Provider): void {
  const proto = provider.Client.prototype as unknown as {
    clientSecret?: string;
    compareClientSecret(actual: string): boolean;
  };
  proto.compareClientSecret = function compareClientSecret(this: { clientSecret?: string }, actual: string): boolean {
    if (typeof actual !== 'string' || typeof this.clientSecret !== 'string') return false;
    const expected = Buffer.from(this.clientSecret, 'utf8');
    const presented = Buffer.from(hashToken(actual), 'utf8');
    return expected.length === presented.length && timingSafeEqual(expected, presented);
  };
}
