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
import { createAuthenticationResponse } from '../../shared/webauthn/createAuthenticationResponse.js';
import type { RequestOptionsJSON } from '../../shared/protocol/webauthnJson.js';
import { type Summary, timeSequential } from '../lib/stats.js';
import { prepareDevice } from '../lib/prepareDevice.js';
import { newRequestOptions, RP_ORIGIN } from '../lib/webauthnRequests.js';

export interface Step {
  step: string;
  /** `now`: what the daemon does today; `proposed`: the alternative a Finding proposes. */
  kind: 'now' | 'proposed';
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
    const audit = new FileAuditLog(dir);
    const auditFields = { requestId: 'r1', rpId: 'localhost', origin: RP_ORIGIN, userName: 'bench@acme.test' };

    await time('parse request: size → JSON → zod (daemon)', 'now', () => parseMessage(clientMessage, request));
    await time('parse result: JSON → zod (benchmark client)', 'now', () => parseMessage(daemonMessage, responseBytes));
    await time('JSON.stringify result', 'now', () => JSON.stringify(response));
    await time('device profile get (async stat + clone)', 'now', () => profile.get());
    await time('  stat device.json, async (thread-pool hop)', 'now', () => stat(join(dir, 'device.json')));
    await time('  stat device.json, sync', 'proposed', () => statSync(join(dir, 'device.json')));
    await time('credential lookup (SQLite get)', 'now', () => credentials.get(credentialId));
    await time('counter +1, synchronous=FULL (fsync per sign-in)', 'now', () =>
      credentials.nextCounter(credentialId, new Date().toISOString()),
    );
    normalDb = new Database(join(dir, CREDENTIALS_FILE));
    normalDb.pragma('journal_mode = WAL');
    normalDb.pragma('synchronous = NORMAL');
    const use = normalDb.prepare(
      'UPDATE credentials SET counter = counter + 1, lastUsedAt = ? WHERE credentialId = ? RETURNING counter',
    );
    await time('counter +1, synchronous=NORMAL (no fsync)', 'proposed', () =>
      use.get(new Date().toISOString(), credentialId),
    );
    await time('audit record (appendFileSync: open+write+close)', 'now', () =>
      audit.record('signin.succeeded', auditFields),
    );
    await time('log line (pino, sync write)', 'now', () =>
      log.warn({ event: 'protect.auto_approved', action: 'signIn', origin: RP_ORIGIN, rpId: 'localhost' }, 'auto'),
    );
    await time('assertion: 2 × subtle.digest + sign + DER', 'now', assertion);
    await time('  subtle.digest SHA-256 of 32 bytes (async)', 'now', () =>
      crypto.subtle.digest('SHA-256', new Uint8Array(32)),
    );
    await time('  createHash SHA-256 of 32 bytes (sync)', 'proposed', () =>
      createHash('sha256').update(new Uint8Array(32)).digest(),
    );
    await time('  P-256 sign alone (WebCrypto)', 'now', () => signRaw(new Uint8Array(69)));
    return steps;
  } finally {
    normalDb?.close();
    credentials.close();
    await rm(dir, { recursive: true, force: true });
  }
}
