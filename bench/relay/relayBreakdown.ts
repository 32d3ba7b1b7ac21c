/**
 * Where a relayed sign-in's time goes: each step of the daemon's sign-in path timed on its own,
 * with the real code (schemas, profile source, credential store, audit log, logger, WebAuthn
 * encoder), next to the cheaper alternative the Findings in docs/performance.md propose. The
 * alternatives are measured here only; the daemon's code belongs to its owners.
 */
import { createHash, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { FileAuditLog } from '../../daemon/src/audit/FileAuditLog.js';
import { EmulatedProfileSource } from '../../daemon/src/device/EmulatedProfileSource.js';
import { CREDENTIALS_FILE, CredentialStore } from '../../daemon/src/storage/CredentialStore.js';
import { createLogger } from '../../shared/node/createLogger.js';
import { clientMessage, daemonMessage, parseMessage } from '../../shared/protocol/index.js';
import { toBase64url } from '../../shared/webauthn/base64url.js';
import { concatBytes } from '../../shared/webauthn/concatBytes.js';
import { createAuthenticationResponse } from '../../shared/webauthn/createAuthenticationResponse.js';
import { encodeAuthenticatorData } from '../../shared/webauthn/encodeAuthenticatorData.js';
import { encodeClientDataJSON } from '../../shared/webauthn/encodeClientDataJSON.js';
import { rawSignatureToDer } from '../../shared/webauthn/rawSignatureToDer.js';
import { resolveRpId } from '../../shared/webauthn/resolveRpId.js';
import { sha256 } from '../../shared/webauthn/sha256.js';
import type { RequestOptionsJSON } from '../../shared/protocol/webauthnJson.js';
import { type Summary, timeSequential } from '../lib/stats.js';
import { prepareDevice } from '../lib/prepareDevice.js';
import { newRequestOptions, RP_ORIGIN } from '../lib/webauthnRequests.js';

export interface Step {
  step: string;
  /** `daemon path`: what a sign-in runs today; `comparison`: an earlier or proposed alternative. */
  kind: 'daemon path' | 'comparison';
  summary: Summary;
}

/** Times each step `n` times in a fresh temp data dir. */
export async function measureRelayBreakdown(n: number): Promise<Step[]> {
  const dir = await mkdtemp(join(tmpdir(), 'kb-breakdown-'));
  const steps: Step[] = [];
  const time = async (step: string, kind: Step['kind'], fn: () => unknown) =>
    steps.push({ step, kind, summary: await timeSequential(async () => fn(), n) });
  const log = createLogger('daemon', { destination: pino.destination({ dest: join(dir, 'bench.log'), sync: true }) });
  const credentials = new CredentialStore({ dataDir: dir });
  let normalDb: Database.Database | undefined;
  let audit: FileAuditLog | undefined;
  try {
    await prepareDevice(dir);
    const credentialId = randomBytes(16).toString('base64url');
    credentials.add({
      credentialId,
      rpId: 'localhost',
      origin: RP_ORIGIN,
      userName: 'bench@acme.test',
      userDisplayName: 'Bench',
      userHandle: randomBytes(16).toString('base64url'),
      createdAt: new Date().toISOString(),
      lastUsedAt: null,
      counter: 0,
      deviceId: null,
      keyRef: randomBytes(16).toString('base64url'),
    });
    const options = newRequestOptions(credentialId) as RequestOptionsJSON;
    const request = Buffer.from(JSON.stringify({ type: 'signIn', id: 'r1', origin: RP_ORIGIN, options }));
    const key = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
    ])) as CryptoKeyPair;
    const signRaw = async (data: Uint8Array<ArrayBuffer>) =>
      new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, data));
    const assertion = () =>
      createAuthenticationResponse({
        origin: RP_ORIGIN,
        options,
        credentialId: Buffer.from(credentialId, 'base64url'),
        signCount: 1,
        userVerified: true,
        sign: signRaw,
      });
    const response = { type: 'result', id: 'r1', ok: true, result: { credential: await assertion() } };
    const responseBytes = Buffer.from(JSON.stringify(response));
    const profile = new EmulatedProfileSource(dir);
    const auditLog = new FileAuditLog(dir);
    audit = auditLog;
    const auditFields = { requestId: 'r1', rpId: 'localhost', origin: RP_ORIGIN, userName: 'bench@acme.test' };

    const P = 'daemon path';
    const C = 'comparison';
    await time('parse request: size → JSON → zod (daemon)', P, () => parseMessage(clientMessage, request));
    await time('parse result: JSON → zod (benchmark client)', P, () => parseMessage(daemonMessage, responseBytes));
    await time('JSON.stringify result', P, () => JSON.stringify(response));
    await time('device profile get (EmulatedProfileSource: stat + clone)', P, () => profile.get());
    await time('  stat device.json, async (thread-pool hop)', C, () => stat(join(dir, 'device.json')));
    await time('  stat device.json, sync', C, () => statSync(join(dir, 'device.json')));
    await time('credential lookup (SQLite get)', P, () => credentials.get(credentialId));
    await time('counter +1 (CredentialStore.nextCounter)', P, () =>
      credentials.nextCounter(credentialId, new Date().toISOString()),
    );
    credentials.close();
    normalDb = new Database(join(dir, CREDENTIALS_FILE));
    normalDb.pragma('journal_mode = WAL');
    normalDb.pragma('synchronous = FULL');
    const use = normalDb.prepare(
      'UPDATE credentials SET counter = counter + 1, lastUsedAt = ? WHERE credentialId = ? RETURNING counter',
    );
    await time('  counter +1 with an fsync per sign-in (synchronous=FULL)', C, () =>
      use.get(new Date().toISOString(), credentialId),
    );
    normalDb.pragma('synchronous = NORMAL');
    await time('  counter +1 without fsync (synchronous=NORMAL)', C, () =>
      use.get(new Date().toISOString(), credentialId),
    );
    await time('audit record (FileAuditLog)', P, () => auditLog.record('signin.succeeded', auditFields));
    await time('log line (pino, sync write; protect.auto_approved per sign-in)', P, () =>
      log.warn({ event: 'protect.auto_approved', action: 'signIn', origin: RP_ORIGIN, rpId: 'localhost' }, 'auto'),
    );
    await time('assertion: 2 sequential subtle.digest + sign + DER', P, assertion);
    await time('  assertion with the 2 digests concurrent (Promise.all)', C, () =>
      concurrentAssertion(options, credentialId, signRaw),
    );
    await time('  assertion with node:crypto SHA-256 injected by the daemon (sync)', C, () =>
      concurrentAssertion(
        options,
        credentialId,
        signRaw,
        async (d) => new Uint8Array(createHash('sha256').update(d).digest()),
      ),
    );
    await time('  subtle.digest SHA-256 of 32 bytes (async)', C, () =>
      crypto.subtle.digest('SHA-256', new Uint8Array(32)),
    );
    await time('  createHash SHA-256 of 32 bytes (sync)', C, () =>
      createHash('sha256').update(new Uint8Array(32)).digest(),
    );
    await time('  P-256 sign alone (WebCrypto)', C, () => signRaw(new Uint8Array(69)));
    return steps;
  } finally {
    normalDb?.close();
    credentials.close();
    audit?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * createAuthenticationResponse's steps with the two SHA-256 digests started together: the
 * proposal for shared/webauthn (still WebCrypto only), measured here before anyone changes it.
 */
async function concurrentAssertion(
  options: RequestOptionsJSON,
  credentialId: string,
  sign: (data: Uint8Array<ArrayBuffer>) => Promise<Uint8Array>,
  hash: (data: Uint8Array | string) => Promise<Uint8Array<ArrayBuffer>> = (d) => sha256(d),
): Promise<unknown> {
  const rpId = resolveRpId(RP_ORIGIN, options.rpId);
  const clientDataJSON = encodeClientDataJSON({
    type: 'webauthn.get',
    challenge: options.challenge,
    origin: RP_ORIGIN,
  });
  const [rpIdHash, clientDataHash] = await Promise.all([hash(rpId), hash(clientDataJSON)]);
  const authenticatorData = encodeAuthenticatorData({
    rpIdHash,
    flags: { up: true, uv: true, be: false, bs: false },
    signCount: 1,
  });
  const raw = await sign(concatBytes(authenticatorData, clientDataHash));
  return {
    id: credentialId,
    response: {
      clientDataJSON: toBase64url(clientDataJSON),
      authenticatorData: toBase64url(authenticatorData),
      signature: toBase64url(rawSignatureToDer(raw)),
    },
  };
}
