import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { randomBytes } from '../crypto/randomBytes.js';
import { toBase64url } from '../webauthn/base64url.js';
import { encodeCoseEc2PublicKey } from '../webauthn/encodeCoseEc2PublicKey.js';
import { DEVICE_STATEMENT_TYP } from './deviceStatementSchema.js';
import { createDeviceStatement, decodeDeviceStatementKid, verifyDeviceStatement } from './index.js';

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const now = new Date('2030-01-01T00:00:00Z');

async function identity() {
  const keyPair = (await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair;
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', keyPair.publicKey);
  return { privateKey: keyPair.privateKey, publicKeyJwk: { kty, crv, x, y } as JsonWebKey };
}

async function setup() {
  const device = await identity();
  const credentialId = randomBytes(32);
  const cosePublicKey = encodeCoseEc2PublicKey(new Uint8Array([4, ...randomBytes(64)]));
  const expected = {
    deviceId: 'dev_7f3a',
    rpId: 'localhost',
    credentialId: toBase64url(credentialId),
    cosePublicKey,
    challenge: toBase64url(randomBytes(32)),
  };
  const jws = await createDeviceStatement({
    privateKey: device.privateKey,
    deviceId: expected.deviceId,
    rpId: expected.rpId,
    credentialId,
    cosePublicKey,
    challenge: expected.challenge,
    enrollmentType: 'apple-automated',
    now,
  });
  const check = (overrides: Partial<Parameters<typeof verifyDeviceStatement>[0]> = {}) =>
    verifyDeviceStatement({ jws, publicKeyJwk: device.publicKeyJwk, expected, now, ...overrides });
  /** Signs any header and payload with the device's real key, for statements a device would never make. */
  const signRaw = (header: Record<string, unknown>, payload: unknown) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'ES256', ...header })
      .sign(device.privateKey);
  const payload = JSON.parse(new TextDecoder().decode(Buffer.from(jws.split('.')[1] as string, 'base64url')));
  return { device, jws, expected, check, signRaw, payload };
}

function expectRefused(result: Awaited<ReturnType<typeof verifyDeviceStatement>>, message: RegExp | string) {
  expect(result.verified).toBe(false);
  if (result.verified) return;
  expect(result.code).toBe('ERR_DEVICE_STATEMENT_INVALID');
  expect(result.message).toMatch(message);
}

describe('createDeviceStatement / verifyDeviceStatement', () => {
  it('should verify and return the payload when the statement matches the registration', async () => {
    const { check, expected, jws } = await setup();
    const result = await check();
    expect(result).toEqual({
      verified: true,
      payload: {
        iss: expected.deviceId,
        aud: 'localhost',
        sub: expected.credentialId,
        cnf: { coseKeySha256: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
        challenge: expected.challenge,
        enrollmentType: 'apple-automated',
        iat: now.getTime() / 1000,
      },
    });
    const header = JSON.parse(Buffer.from(jws.split('.')[0] as string, 'base64url').toString());
    expect(header).toEqual({ alg: 'ES256', typ: DEVICE_STATEMENT_TYP, kid: expected.deviceId });
  });

  it('should verify when the expected credential id is given as bytes', async () => {
    const { check, expected } = await setup();
    const credentialId = new Uint8Array(Buffer.from(expected.credentialId, 'base64url'));
    expect((await check({ expected: { ...expected, credentialId } })).verified).toBe(true);
  });

  it('should refuse when the statement was signed by another device key', async () => {
    const { check } = await setup();
    const other = await identity();
    expectRefused(
      await check({ publicKeyJwk: other.publicKeyJwk }),
      /does not verify with the key of device "dev_7f3a"/,
    );
  });

  it('should refuse naming both ids when the kid is another device', async () => {
    const { check, expected } = await setup();
    expectRefused(
      await check({ expected: { ...expected, deviceId: 'dev_other' } }),
      /kid "dev_7f3a", expected "dev_other"/,
    );
  });

  it('should refuse when the challenge is another registration', async () => {
    const { check, expected } = await setup();
    const result = await check({ expected: { ...expected, challenge: toBase64url(randomBytes(32)) } });
    expectRefused(result, /challenge does not match/);
    if (!result.verified) expect(result.message).not.toContain(expected.challenge);
  });

  it('should refuse naming both values when the credential id is another', async () => {
    const { check, expected } = await setup();
    const other = toBase64url(randomBytes(32));
    expectRefused(await check({ expected: { ...expected, credentialId: other } }), `expected credential "${other}"`);
  });

  it('should refuse when the credential public key is another', async () => {
    const { check, expected } = await setup();
    const cosePublicKey = encodeCoseEc2PublicKey(new Uint8Array([4, ...randomBytes(64)]));
    expectRefused(await check({ expected: { ...expected, cosePublicKey } }), /cnf.coseKeySha256/);
  });

  it('should refuse naming both RP IDs when the aud is another RP', async () => {
    const { check, expected } = await setup();
    expectRefused(
      await check({ expected: { ...expected, rpId: 'portal.example' } }),
      /aud "localhost", expected "portal.example"/,
    );
  });

  it('should refuse when iss differs from kid', async () => {
    const { expected, signRaw, payload, device } = await setup();
    const jws = await signRaw({ typ: DEVICE_STATEMENT_TYP, kid: expected.deviceId }, { ...payload, iss: 'dev_other' });
    expectRefused(
      await verifyDeviceStatement({ jws, publicKeyJwk: device.publicKeyJwk, expected, now }),
      /iss "dev_other"/,
    );
  });

  it('should refuse when the statement is older than maxAgeSeconds', async () => {
    const { check } = await setup();
    const later = new Date(now.getTime() + 301_000);
    expectRefused(await check({ now: later }), /301 s old, expected at most 300 s/);
    expect((await check({ now: later, maxAgeSeconds: 600 })).verified).toBe(true);
    // Exactly at the limit is still fresh.
    expect((await check({ now: new Date(now.getTime() + 300_000) })).verified).toBe(true);
  });

  it('should refuse when the statement is issued in the future beyond the skew allowance', async () => {
    const { check, payload } = await setup();
    const skewed = new Date(now.getTime() - 120_000);
    expectRefused(
      await check({ now: skewed }),
      `Device statement iat ${payload.iat} is in the future, expected at most ${Math.floor(skewed.getTime() / 1000) + 60}`,
    );
    // Exactly the allowed skew is accepted.
    expect((await check({ now: new Date(payload.iat * 1000 - 60_000) })).verified).toBe(true);
  });

  it('should accept a device clock 10 minutes off either way only within clockSkewSeconds (decision 0054)', async () => {
    const { check } = await setup();
    const ahead = new Date(now.getTime() - 600_000); // the device's clock 10 minutes ahead of ours
    const behind = new Date(now.getTime() + 600_000); // … or 10 minutes behind
    expectRefused(await check({ now: ahead }), /is in the future/);
    expectRefused(await check({ now: behind }), /600 s old, expected at most 300 s/);
    expect((await check({ now: ahead, clockSkewSeconds: 900 })).verified).toBe(true);
    expect((await check({ now: behind, clockSkewSeconds: 900 })).verified).toBe(true);
    // Beyond the allowance, both ways.
    expectRefused(await check({ now: new Date(now.getTime() - 901_000), clockSkewSeconds: 900 }), /is in the future/);
    expectRefused(
      await check({ now: new Date(now.getTime() + 1_201_000), clockSkewSeconds: 900 }),
      /1201 s old, expected at most 1200 s/,
    );
  });

  it('should refuse an unsigned statement with alg "none"', async () => {
    const { expected, payload, device } = await setup();
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const jws = `${enc({ alg: 'none', typ: DEVICE_STATEMENT_TYP, kid: expected.deviceId })}.${enc(payload)}.`;
    expectRefused(await verifyDeviceStatement({ jws, publicKeyJwk: device.publicKeyJwk, expected, now }), /alg "none"/);
  });

  it('should refuse an HS256 forgery keyed with the public key (algorithm confusion)', async () => {
    const { expected, payload, device } = await setup();
    const secret = new TextEncoder().encode(JSON.stringify(device.publicKeyJwk));
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'HS256', typ: DEVICE_STATEMENT_TYP, kid: expected.deviceId })
      .sign(secret);
    expectRefused(
      await verifyDeviceStatement({ jws, publicKeyJwk: device.publicKeyJwk, expected, now }),
      /alg "HS256"/,
    );
  });

  it('should refuse a validly signed payload that is not JSON, or not UTF-8', async () => {
    const { device, expected, check } = await setup();
    const sign = (bytes: Uint8Array) =>
      new CompactSign(bytes)
        .setProtectedHeader({ alg: 'ES256', typ: DEVICE_STATEMENT_TYP, kid: expected.deviceId })
        .sign(device.privateKey);
    const utf8 = (text: string) => new TextEncoder().encode(text);
    expectRefused(await check({ jws: await sign(utf8('not json')) }), /payload is not JSON/);
    // Not decoded leniently into replacement characters: bytes that are not UTF-8 are refused as such.
    const notUtf8 = new Uint8Array([...utf8('{"iss":"'), 0xff, ...utf8('"}')]);
    expectRefused(await check({ jws: await sign(notUtf8) }), /payload is not JSON/);
  });

  it('should refuse when the typ is not the device statement type', async () => {
    const { expected, signRaw, payload, device } = await setup();
    const jws = await signRaw({ typ: 'JWT', kid: expected.deviceId }, payload);
    expectRefused(await verifyDeviceStatement({ jws, publicKeyJwk: device.publicKeyJwk, expected, now }), /typ "JWT"/);
  });

  it('should refuse a validly signed payload when it has an unknown key or a wrong type', async () => {
    const { expected, signRaw, payload, device } = await setup();
    const header = { typ: DEVICE_STATEMENT_TYP, kid: expected.deviceId };
    const extra = await signRaw(header, { ...payload, trusted: true });
    expectRefused(
      await verifyDeviceStatement({ jws: extra, publicKeyJwk: device.publicKeyJwk, expected, now }),
      /payload is invalid/,
    );
    const wrongType = await signRaw(header, { ...payload, iat: String(payload.iat) });
    expectRefused(
      await verifyDeviceStatement({ jws: wrongType, publicKeyJwk: device.publicKeyJwk, expected, now }),
      /at iat/,
    );
    const wrongEnrollment = await signRaw(header, { ...payload, enrollmentType: 'self-declared' });
    expectRefused(
      await verifyDeviceStatement({ jws: wrongEnrollment, publicKeyJwk: device.publicKeyJwk, expected, now }),
      /at enrollmentType/,
    );
  });

  it('should refuse without throwing when the input is missing, not a string, oversized or garbage', async () => {
    const { check } = await setup();
    expectRefused(await check({ jws: undefined }), /missing/);
    expectRefused(await check({ jws: '' }), /missing/);
    expectRefused(await check({ jws: 42 }), /missing/);
    expectRefused(await check({ jws: 'a'.repeat(9000) }), /9000 characters/);
    expectRefused(await check({ jws: 'not.a.jws' }), /not a compact JWS/);
    expectRefused(await check({ jws: '...' }), /not a compact JWS/);
  });

  it('should refuse when the device key given is not a P-256 public key', async () => {
    const { check, device } = await setup();
    expectRefused(await check({ publicKeyJwk: { ...device.publicKeyJwk, crv: 'P-384' } }), /crv "P-384"/);
    expectRefused(await check({ publicKeyJwk: { ...device.publicKeyJwk, d: 'AAAA' } }), /P-256 public key/);
    expectRefused(await check({ publicKeyJwk: { ...device.publicKeyJwk, kty: 'OKP' } }), /P-256 public key/);
  });
});

describe('decodeDeviceStatementKid', () => {
  it('should return the kid without verifying when the header is readable', async () => {
    const { jws } = await setup();
    expect(decodeDeviceStatementKid(jws)).toBe('dev_7f3a');
  });

  it('should return undefined when the input is not a statement', () => {
    expect(decodeDeviceStatementKid('garbage')).toBeUndefined();
    expect(decodeDeviceStatementKid(undefined)).toBeUndefined();
    expect(decodeDeviceStatementKid(`${Buffer.from('{"alg":"ES256"}').toString('base64url')}.e30.`)).toBeUndefined();
  });

  it('should return undefined when the kid is not a usable device id or the input is oversized', async () => {
    const withKid = (kid: unknown) =>
      `${Buffer.from(JSON.stringify({ alg: 'ES256', kid })).toString('base64url')}.e30.sig`;
    expect(decodeDeviceStatementKid(withKid('d'.repeat(128)))).toBe('d'.repeat(128));
    expect(decodeDeviceStatementKid(withKid('d'.repeat(129)))).toBeUndefined();
    expect(decodeDeviceStatementKid(withKid(''))).toBeUndefined();
    expect(decodeDeviceStatementKid(withKid(42))).toBeUndefined();
    expect(decodeDeviceStatementKid(withKid(['dev_7f3a']))).toBeUndefined();
    expect(decodeDeviceStatementKid(`!!!.e30.sig`)).toBeUndefined();
    const { jws } = await setup();
    expect(decodeDeviceStatementKid(jws.padEnd(8192, 'A'))).toBe('dev_7f3a');
    expect(decodeDeviceStatementKid(jws.padEnd(8193, 'A'))).toBeUndefined();
  });
});
