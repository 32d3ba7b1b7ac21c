/**
 * The OpenID Provider's keys, created once and kept in the database (`oidc_keys`) so that a
 * restart neither invalidates issued ID tokens nor the provider's signed cookies: an ES256
 * (P-256) signing JWK and a random cookie-signing secret.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { JWK } from 'oidc-provider';
import { toBase64url } from '../../../shared/webauthn/base64url.js';
import type { PortalDb } from '../db/PortalDb.js';
import { openSecret, sealSecret } from '../security/secretsAtRest.js';

export interface OidcKeys {
  /** Private JWKs for oidc-provider's `jwks` (newest first). */
  signingKeys: JWK[];
  /** Secrets for oidc-provider's `cookies.keys` (newest first). */
  cookieKeys: string[];
}

/** RFC 7638 thumbprint of an EC public key: the `kid`. */
function thumbprint(jwk: { crv: string; x: string; y: string }): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: 'EC', x: jwk.x, y: jwk.y });
  return toBase64url(createHash('sha256').update(canonical).digest());
}

function newSigningKey(): { kid: string; jwk: JWK } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const raw = privateKey.export({ format: 'jwk' }) as { crv: string; x: string; y: string; d: string };
  const kid = thumbprint(raw);
  return { kid, jwk: { kty: 'EC', crv: raw.crv, x: raw.x, y: raw.y, d: raw.d, kid, alg: 'ES256', use: 'sig' } };
}

const SELECT = 'SELECT id, material FROM oidc_keys WHERE kind = ? ORDER BY created_at DESC, id';
const INSERT = 'INSERT INTO oidc_keys (kind, id, material, created_at) VALUES (?, ?, ?, ?)';

/**
 * Loads the keys, creating any kind that is missing. Safe when two processes start at once, on
 * one SQLite file or on one PostgreSQL database: the transaction holds a lock named for the keys,
 * so the second process waits, then reads the first one's keys — every instance signs with the same
 * key and accepts the same cookies.
 */
export async function loadOidcKeys(db: PortalDb, now: number = Date.now()): Promise<OidcKeys> {
  return db.transaction(
    async (tx): Promise<OidcKeys> => {
      let signing = await tx.all<{ id: string; material: string }>(SELECT, ['signing']);
      if (signing.length === 0) {
        const key = newSigningKey();
        await tx.run(INSERT, [
          'signing',
          key.kid,
          sealSecret(db, `oidc:signing:${key.kid}`, JSON.stringify(key.jwk)),
          now,
        ]);
        signing = await tx.all<{ id: string; material: string }>(SELECT, ['signing']);
      }
      let cookie = await tx.all<{ id: string; material: string }>(SELECT, ['cookie']);
      if (cookie.length === 0) {
        const secret = toBase64url(randomBytes(32));
        await tx.run(INSERT, ['cookie', 'cookie-1', sealSecret(db, 'oidc:cookie:cookie-1', secret), now]);
        cookie = await tx.all<{ id: string; material: string }>(SELECT, ['cookie']);
      }
      // Sealed at rest (secretsAtRest.ts): the private signing key is in clear only in memory.
      return {
        signingKeys: signing.map((r) => JSON.parse(openSecret(db, `oidc:signing:${r.id}`, r.material)) as JWK),
        cookieKeys: cookie.map((r) => openSecret(db, `oidc:cookie:${r.id}`, r.material)),
      };
    },
    { lock: 'keybound:oidc-keys' },
  );
}
