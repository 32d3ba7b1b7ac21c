import { verifyAuthenticationResponse, verifyRegistrationResponse } from '@simplewebauthn/server';
import { describe, expect, it } from 'vitest';
import { verifyDeviceStatement } from '../../shared/device/verifyDeviceStatement.js';
import { clientMessage, pageResults, parseMessage, resultSchemas } from '../../shared/protocol/index.js';
import { fromBase64url } from '../../shared/webauthn/base64url.js';
import { fixtureSchemas } from './fixtureSchemas.js';
import { loadProtocolFixtures, type ProtocolFixture } from './loadProtocolFixtures.js';

const fixtures = loadProtocolFixtures();
const valid = fixtures.filter((f) => f.valid);
const invalid = fixtures.filter((f) => !f.valid);
const byFile = (file: string): ProtocolFixture => {
  const fixture = fixtures.find((f) => f.file === file);
  if (!fixture) throw new Error(`missing fixture ${file}`);
  return fixture;
};

describe('protocol fixtures', () => {
  it('should name a known schema and carry a description when read from any file', () => {
    for (const fixture of fixtures) {
      expect(Object.keys(fixtureSchemas), fixture.file).toContain(fixture.schema);
      expect(fixture.description, fixture.file).toEqual(expect.any(String));
    }
    expect(valid.length).toBeGreaterThan(40);
    expect(invalid.length).toBeGreaterThan(30);
  });

  it.each(valid.map((f) => [f.file, f] as const))('should parse %s when it is valid', (_file, fixture) => {
    const result = parseMessage(fixtureSchemas[fixture.schema]!, fixture.raw);
    expect(result.ok ? 'ok' : result.error.message).toBe('ok');
  });

  it.each(invalid.map((f) => [f.file, f] as const))('should refuse %s with its expected code', (_file, fixture) => {
    const result = parseMessage(fixtureSchemas[fixture.schema]!, fixture.raw);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(fixture.expectedCode);
    expect(result.error.message).toContain(fixture.expectedMessage ?? '');
  });

  it('should parse every valid request through the client message union when it has a request type', () => {
    const requests = valid.filter((f) => f.schema.endsWith('Request') && !f.schema.startsWith('page'));
    expect(requests.length).toBeGreaterThan(10);
    for (const fixture of requests) expect(parseMessage(clientMessage, fixture.raw).ok, fixture.file).toBe(true);
  });

  it('should cover every request type with a valid request and a valid result when the protocol lists it', () => {
    for (const type of Object.keys(resultSchemas)) {
      const request = valid.some(
        (f) => (f.message as { type?: unknown }).type === type && parseMessage(clientMessage, f.raw).ok,
      );
      expect(request, `request ${type}`).toBe(true);
      expect(
        valid.some((f) => f.schema === `resultSchemas.${type}`),
        `result ${type}`,
      ).toBe(true);
    }
    for (const type of Object.keys(pageResults)) {
      expect(
        valid.some((f) => f.schema === 'pageRequest' && (f.message as { type?: unknown }).type === type),
        `page ${type}`,
      ).toBe(true);
      expect(
        valid.some((f) => f.schema === `pageResults.${type}`),
        `page result ${type}`,
      ).toBe(true);
    }
  });

  it('should use every schema in the table in at least one valid fixture', () => {
    for (const name of Object.keys(fixtureSchemas))
      expect(
        valid.some((f) => f.schema === name),
        name,
      ).toBe(true);
  });
});

describe('protocol fixtures made by the SoftwareAuthenticator', () => {
  it('should verify register-result with @simplewebauthn/server and its device statement when given the context', async () => {
    const fixture = byFile('valid/register-result.json');
    const ctx = fixture.context as {
      origin: string;
      rpId: string;
      options: { challenge: string };
      deviceId: string;
      identityPublicJwk: JsonWebKey;
    };
    const message = resultSchemas.register.parse(fixture.message);
    const result = await verifyRegistrationResponse({
      response: message.credential as Parameters<typeof verifyRegistrationResponse>[0]['response'],
      expectedChallenge: ctx.options.challenge,
      expectedOrigin: ctx.origin,
      expectedRPID: ctx.rpId,
      requireUserVerification: true,
    });
    expect(result.verified).toBe(true);
    const credential = result.registrationInfo!.credential;
    const statement = await verifyDeviceStatement({
      jws: message.deviceStatement,
      publicKeyJwk: ctx.identityPublicJwk,
      expected: {
        deviceId: ctx.deviceId,
        rpId: ctx.rpId,
        credentialId: credential.id,
        cosePublicKey: credential.publicKey,
        challenge: ctx.options.challenge,
      },
      // The committed statement is as old as the last generate run.
      maxAgeSeconds: Number.MAX_SAFE_INTEGER,
    });
    expect(statement.verified ? 'verified' : statement.message).toBe('verified');
  });

  it('should verify signIn-result with @simplewebauthn/server when given the stored credential', async () => {
    const fixture = byFile('valid/signIn-result.json');
    const ctx = fixture.context as {
      origin: string;
      rpId: string;
      options: { challenge: string };
      cosePublicKey: string;
      previousCounter: number;
    };
    const message = resultSchemas.signIn.parse(fixture.message);
    const result = await verifyAuthenticationResponse({
      response: message.credential as Parameters<typeof verifyAuthenticationResponse>[0]['response'],
      expectedChallenge: ctx.options.challenge,
      expectedOrigin: ctx.origin,
      expectedRPID: ctx.rpId,
      requireUserVerification: true,
      credential: {
        id: message.credential.id,
        publicKey: fromBase64url(ctx.cosePublicKey),
        counter: ctx.previousCounter,
      },
    });
    expect(result.verified).toBe(true);
    expect(result.authenticationInfo.newCounter).toBe(1);
  });
});
