import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { POSTURE_STATEMENT_TYP, UNKNOWN_POSTURE } from '../../../shared/device/postureSchema.js';
import { verifyPostureStatement } from './verifyPostureStatement.js';

const DEVICE = 'dev-7f3a9c';
const AUDIENCE = 'https://portal.example';
const NONCE = 'refresh-challenge-0123456789';
const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);

async function deviceKeys() {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  return { privateKey, publicJwk: await exportJWK(publicKey) };
}

/** A posture statement as the daemon signs it, its clock `offsetSeconds` from the portal's. */
async function statement(privateKey: CryptoKey, offsetSeconds: number, nonce = NONCE) {
  return new SignJWT({ nonce, posture: UNKNOWN_POSTURE })
    .setProtectedHeader({ alg: 'ES256', typ: POSTURE_STATEMENT_TYP, kid: DEVICE })
    .setIssuer(DEVICE)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(NOW / 1000) + offsetSeconds)
    .sign(privateKey);
}

describe('verifyPostureStatement', () => {
  const verify = (jws: string, devicePublicJwk: JsonWebKey) =>
    verifyPostureStatement({ jws, deviceId: DEVICE, devicePublicJwk, audience: AUDIENCE, nonce: NONCE, now: NOW });

  it('should accept a statement from a device whose clock is 10 minutes behind or ahead of the portal', async () => {
    const { privateKey, publicJwk } = await deviceKeys();
    expect(await verify(await statement(privateKey, -600), publicJwk)).toMatchObject({ verified: true });
    expect(await verify(await statement(privateKey, 600), publicJwk)).toMatchObject({ verified: true });
  });

  it('should refuse a statement an hour old or an hour ahead, naming the clock', async () => {
    const { privateKey, publicJwk } = await deviceKeys();
    for (const offset of [-3600, 3600]) {
      const result = await verify(await statement(privateKey, offset), publicJwk);
      expect(result).toMatchObject({ verified: false, message: expect.stringMatching(/s old \(device clock off/) });
    }
  });

  it("should refuse a statement made for another refresh's challenge, however fresh", async () => {
    const { privateKey, publicJwk } = await deviceKeys();
    const result = await verify(await statement(privateKey, 0, 'another-challenge-0123456789'), publicJwk);
    expect(result).toEqual({ verified: false, message: 'Posture statement nonce is not this refresh’s challenge' });
  });

  it("should refuse a statement signed by another device's key", async () => {
    const { privateKey } = await deviceKeys();
    const other = await deviceKeys();
    const result = await verify(await statement(privateKey, 0), other.publicJwk);
    expect(result).toMatchObject({ verified: false, message: expect.stringContaining('does not verify') });
  });
});
