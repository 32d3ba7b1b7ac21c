/**
 * Where a relayed sign-in's time goes: each step of the daemon's sign-in path timed on its own,
 * with the real code (schemas, profile source, credential store, audit log, WebAuthn encoder,
 * node:crypto hashing and signing as the daemon does them), next to the alternatives the daemon
 * used before (WebCrypto digests and signature, an fsync or a SQLite write per sign-in, a clone
 * of the profile, a log line per sign-in), so docs/performance.md can show what each change saved.
 * Steps timed alone run warm; inside a real relay each takes longer (see the Findings).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { FileAuditLog } from '../../daemon/src/audit/FileAuditLog.js';
import { nodeSha256 } from '../../daemon/src/authenticator/nodeSha256.js';
import { EmulatedProfileSource } from '../../daemon/src/device/EmulatedProfileSource.js';
import { signP256 } from '../../daemon/src/keys/signP256.js';
import { CREDENTIALS_FILE, CredentialStore } from '../../daemon/src/storage/CredentialStore.js';
import { createLogger } from '../../shared/node/createLogger.js';
import { clientMessage, daemonMessage, parseMessage } from '../../shared/protocol/index.js';
import type { RequestOptionsJSON } from '../../shared/protocol/webauthnJson.js';
import { createAuthenticationResponse } from '../../shared/webauthn/createAuthenticationResponse.js';
import { prepareDevice } from '../lib/prepareDevice.js';
import { type Summary, timeSequential } from '../lib/stats.js';
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
    const subtleSign = async (data: Uint8Array<ArrayBuffer>) =>
      new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, data));
    const assertion = (sign: (d: Uint8Array<ArrayBuffer>) => Promise<Uint8Array>, sha256?: typeof nodeSha256) =>
      createAuthenticationResponse({
        origin: RP_ORIGIN,
        options,
        credentialId: Buffer.from(credentialId, 'base64url'),
        signCount: 1,
        userVerified: true,
        sign,
        ...(sha256 ? { sha256 } : {}),
      });
    const daemonSign = (d: Uint8Array) => signP256(crypto.subtle, key.privateKey, d);
    const response = {
      type: 'result',
      id: 'r1',
      ok: true,
      result: { credential: await assertion(daemonSign, nodeSha256) },
    };
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
    await time('device profile get (EmulatedProfileSource: stat, frozen cache)', P, () => profile.get());
    await time('  … with a structuredClone per get (before)', C, async () => structuredClone(await profile.get()));
    await time('  stat device.json, async (thread-pool hop)', C, () => stat(join(dir, 'device.json')));
    await time('credential lookup (SQLite get)', P, () => credentials.get(credentialId));
    await time('counter +1 (CredentialStore.nextCounter: memory, fsynced reservation per 1024)', P, () =>
      credentials.nextCounter(credentialId, new Date().toISOString()),
    );
    credentials.close();
    normalDb = new Database(join(dir, CREDENTIALS_FILE));
    normalDb.pragma('journal_mode = WAL');
    normalDb.pragma('synchronous = FULL');
    const use = normalDb.prepare(
      'UPDATE credentials SET counter = counter + 1, lastUsedAt = ? WHERE credentialId = ? RETURNING counter',
    );
    await time('  counter +1 with an fsync per sign-in (synchronous=FULL, first version)', C, () =>
      use.get(new Date().toISOString(), credentialId),
    );
    normalDb.pragma('synchronous = NORMAL');
    await time('  counter +1 as a SQLite write without fsync (before)', C, () =>
      use.get(new Date().toISOString(), credentialId),
    );
    await time('audit record (FileAuditLog: buffered, one write per event-loop turn)', P, () =>
      auditLog.record('signin.succeeded', auditFields),
    );
    auditLog.flush();
    await time('  audit record with a write(2) each (before)', C, () => {
      auditLog.record('signin.succeeded', auditFields);
      auditLog.flush();
    });
    await time('  log line per sign-in (pino, sync write; protect.auto_approved at warn, before)', C, () =>
      log.warn({ event: 'protect.auto_approved', action: 'signIn', origin: RP_ORIGIN, rpId: 'localhost' }, 'auto'),
    );
    await time('assertion: node:crypto SHA-256 ×2 + node:crypto sign + DER (daemon)', P, () =>
      assertion(daemonSign, nodeSha256),
    );
    await time('  assertion with WebCrypto digests and signature (before)', C, () => assertion(subtleSign));
    await time('  P-256 sign alone, node:crypto sync (daemon)', C, () => daemonSign(new Uint8Array(69)));
    await time("  P-256 sign alone, WebCrypto (the floor's)", C, () => subtleSign(new Uint8Array(69)));
    await time('  SHA-256 of 32 bytes, createHash (daemon)', C, () =>
      createHash('sha256').update(new Uint8Array(32)).digest(),
    );
    await time('  SHA-256 of 32 bytes, subtle.digest (before)', C, () =>
      crypto.subtle.digest('SHA-256', new Uint8Array(32)),
    );
    return steps;
  } finally {
    normalDb?.close();
    credentials.close();
    audit?.close();
    await rm(dir, { recursive: true, force: true });
  }
}
