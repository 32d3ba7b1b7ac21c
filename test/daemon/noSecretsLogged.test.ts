/**
 * "Nothing secret is logged" against a real daemon: pair through Protect, register and sign in
 * (each approved on the Protect page), plus a forged proof and a wrong Protect token, with the
 * logger at its most verbose; then neither the log lines nor audit.log may hold a Protect
 * request token, the pairing secret, a pairing proof, a challenge or a signature.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_FILE } from '../../daemon/src/audit/FileAuditLog.js';
import { openDaemonState } from '../../daemon/src/openDaemonState.js';
import {
  approvalUrlOf,
  DaemonClient as Client,
  connectPaired,
  type DaemonClient,
  newInstall,
  startNativePairing,
} from '../../dev/daemonClient.js';
import { makeDeviceEligible } from '../../dev/makeDeviceEligible.js';
import { sampleCreationOptions, sampleRequestOptions } from '../../dev/sampleOptions.js';
import { createLogger, silentLogger } from '../../shared/node/createLogger.js';
import type { ProtectRequestEvent } from '../../shared/protocol/index.js';
import { toBase64url } from '../../shared/webauthn/base64url.js';
import { type HarnessDaemon, makeTempDir, startHarnessDaemon } from '../helpers/daemonHarness.js';
import { httpRequest } from '../helpers/rawHttp.js';

const ORIGIN = 'http://localhost:3000';
let dataDir: string;
let daemon: HarnessDaemon | undefined;
const logLines: string[] = [];

beforeAll(async () => {
  dataDir = await makeTempDir();
  const state = await openDaemonState({ dataDir, device: 'emulator', logger: silentLogger() });
  await makeDeviceEligible(state.device);
  await state.close();
  const logger = createLogger('daemon', {
    level: 'trace',
    destination: { write: (line: string) => logLines.push(line) },
  });
  daemon = await startHarnessDaemon({ dataDir, openDeviceSide: undefined, uv: 'protect', logger });
});
afterAll(async () => {
  await daemon?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Approves the next Protect request on `client` through the page, and returns its token. */
async function approveNext(client: DaemonClient, daemon: HarnessDaemon, seen: number): Promise<string> {
  const event = (await client.waitForEvent(
    (e) => e.event === 'protect.request' && client.events.indexOf(e) >= seen,
  )) as ProtectRequestEvent;
  return approveUrl(await approvalUrlOf(daemon.dataDir, event.protectId), daemon.port);
}

async function approveUrl(href: string, port: number): Promise<string> {
  const url = new URL(href);
  const token = url.searchParams.get('token') as string;
  const res = await httpRequest(port, {
    method: 'POST',
    path: `${url.pathname}/approve`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: `http://127.0.0.1:${port}` },
    body: new URLSearchParams({ token }).toString(),
  });
  expect(res.status).toBe(200);
  return token;
}

describe('daemon logs and audit log', () => {
  it('should hold no token, pairing secret, proof, challenge or signature when a full flow ran', async () => {
    const running = daemon as HarnessDaemon;
    const secrets: string[] = [];
    const install = newInstall();
    const { prompt, pairing } = startNativePairing(running.dataDir, install);
    secrets.push(await approveUrl((await prompt).url, running.port));
    await pairing;
    const client = await connectPaired(running, install);
    const secret = install.secret as Uint8Array;
    secrets.push(toBase64url(secret), Buffer.from(secret).toString('hex'), Buffer.from(secret).toString('base64'));

    const creation = sampleCreationOptions();
    const registering = client.call('register', { origin: ORIGIN, options: creation });
    secrets.push(await approveNext(client, running, client.events.length));
    const registered = await registering;
    secrets.push(creation.challenge);

    const request = sampleRequestOptions({ allowCredentials: [{ id: registered.credential.id, type: 'public-key' }] });
    const signingIn = client.call('signIn', { origin: ORIGIN, options: request });
    secrets.push(await approveNext(client, running, client.events.length));
    const signedIn = await signingIn;
    secrets.push(request.challenge, signedIn.credential.response.signature);
    await client.close();

    // Proofs the daemon receives, accepted and refused: each is computed as the client sends it.
    const second = await Client.connect(running.url);
    await second.hello(install);
    secrets.push(await second.proof(install));
    expect((await second.auth(install)).ok).toBe(true);
    await second.close();
    const forger = await Client.connect(running.url);
    await forger.hello(install);
    const forged = { ...install, secret: new Uint8Array(secret.length) };
    secrets.push(await forger.proof(forged));
    expect((await forger.auth(forged)).ok).toBe(false);
    await forger.close();
    const wrong = await httpRequest(running.port, {
      method: 'POST',
      path: '/protect/AAAAAAAAAAAA/approve',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: `http://127.0.0.1:${running.port}` },
      body: new URLSearchParams({ token: secrets[0] as string }).toString(),
    });
    expect(wrong.status).toBe(404);

    await running.stop();
    daemon = undefined;
    const written = `${logLines.join('')}\n${await readFile(join(dataDir, AUDIT_FILE), 'utf8')}`;
    expect(written).toContain('signin.succeeded');
    for (const value of secrets) {
      expect(value.length).toBeGreaterThanOrEqual(16);
      expect(written).not.toContain(value);
    }
  });
});
