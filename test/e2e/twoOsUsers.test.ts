/**
 * Two OS users on one machine (issue 8, decision 0041): each runs `keybound daemon` with no port
 * (each picks and records its own) and its own headless Chromium with the built extension and the
 * native-messaging host installed for that user. Each extension must reach its own user's daemon,
 * on the port its native host named, and nothing of the other user's: user B's native host cannot
 * reach user A's daemon, B's pairing secret opens no socket at A's daemon (nor A's at B's), and a
 * socket from B without A's secret gets no assertion. A second user is created with useradd
 * (`kbtest-<random>`, removed on every exit path); that needs root, which CI has.
 */
import { spawnSync } from 'node:child_process';
import { chmod, chown, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { controlCall } from '../../daemon/src/control/controlClient.js';
import { controlSocketPath } from '../../daemon/src/control/controlProtocol.js';
import { installNativeHost } from '../../daemon/src/nativeHost/installNativeHost.js';
import {
  CHROMIUM_PATH,
  EXTENSION_ID,
  HEADLESS_CHROMIUM_ARGS,
  type HeadlessChromium,
  launchChromium,
  openPage,
  readExtensionStorage,
} from '../../dev/browser.js';
import { CHROME_EXTENSION_DIR, ensureExtensionBuilt, REPO_ROOT } from '../../dev/buildExtension.js';
import { DaemonClient } from '../../dev/daemonClient.js';
import { sourceHostCommand, startHostProcess } from '../../dev/nativeHostProcess.js';
import { sampleRequestOptions } from '../../dev/sampleOptions.js';
import { computeUpgradeProof, WS_SUBPROTOCOL } from '../../shared/protocol/index.js';
import { fromBase64url } from '../../shared/webauthn/base64url.js';
import { allowTraversalTo, canCreateOsUsers, createOsUser, type OsUser } from '../helpers/osUser.js';
import { type CliDaemon, spawnDaemonCli } from '../helpers/spawnDaemonCli.js';

const ORIGIN = `chrome-extension://${EXTENSION_ID}`;
const DAEMON_ARGS = ['--allow-extension', EXTENSION_ID, '--preauthorize-pairing', '--key-store', 'file'];
const runHere = canCreateOsUsers();
if (!runHere && process.env.CI) throw new Error('twoOsUsers needs root (useradd, setpriv) and must not skip in CI');

interface Side {
  daemon: CliDaemon;
  context: BrowserContext;
  close(): Promise<void>;
}

/** The pairing the extension keeps in its storage (install id, secret, port). */
async function storedPairing(context: BrowserContext): Promise<{ installId: string; secret: string; port: number }> {
  const stored = (await readExtensionStorage(context, 'pairing')) as {
    installId: string;
    secret: string;
    port: number;
  };
  expect(stored).toMatchObject({ installId: expect.any(String), secret: expect.any(String), port: expect.any(Number) });
  return stored;
}

/** The popup, once it says the extension is connected; returns its connection line. */
async function connectedPopup(context: BrowserContext): Promise<{ page: Page; line: string }> {
  const page = await openPage(context, `${ORIGIN}/src/popup/popup.html`);
  const connection = page.locator('#connection');
  // The popup follows the worker every second; the port shows once the native host named it.
  await expect.poll(() => connection.textContent(), { timeout: 60_000 }).toMatch(/^Connected.*\(port \d+\)$/);
  return { page, line: (await connection.textContent()) ?? '' };
}

/** The upgrade's HTTP status for a WebSocket offering `protocols` (101: accepted). */
function upgradeStatus(port: number, protocols: string[]): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1`, protocols, { origin: ORIGIN });
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(0));
  });
}

async function proofFor(pairing: { installId: string; secret: string }): Promise<string[]> {
  const proof = await computeUpgradeProof({
    secret: fromBase64url(pairing.secret) as Uint8Array<ArrayBuffer>,
    installId: pairing.installId,
    extensionOrigin: ORIGIN,
  });
  return [WS_SUBPROTOCOL, proof];
}

describe.skipIf(!runHere)('two OS users, two daemons, two browsers', () => {
  let userB: OsUser | undefined;
  let undoTraversal: (() => void) | undefined;
  let dataDirA: string;
  let a: Side | undefined;
  let b: Side | undefined;
  const scratch: string[] = [];

  beforeAll(async () => {
    const extensionDir = (await ensureExtensionBuilt()) ?? CHROME_EXTENSION_DIR;
    userB = createOsUser();
    // B runs this checkout's sources and the Node binary running this test.
    undoTraversal = allowTraversalTo(REPO_ROOT);
    const undoNode = allowTraversalTo(process.execPath);
    const previousUndo = undoTraversal;
    undoTraversal = () => {
      undoNode();
      previousUndo();
    };
    const asB = userB;

    // User A: the test's own user, its daemon on the port it picks, its browser with the host.
    dataDirA = await mkdtemp(join(tmpdir(), 'kb-userA-'));
    scratch.push(dataDirA);
    const daemonA = await spawnDaemonCli(['--data-dir', dataDirA, ...DAEMON_ARGS]);
    let browserA: HeadlessChromium | undefined;
    try {
      browserA = await launchChromium({ extensionDir, daemonDataDir: dataDirA });
    } catch (err) {
      await daemonA.stop();
      throw err;
    }
    const openedA = browserA;
    a = {
      daemon: daemonA,
      context: openedA.context,
      close: async () => {
        await openedA.close();
        await daemonA.stop();
      },
    };

    // User B: everything runs as B, with B's HOME, so B's daemon and B's host use B's data folder.
    const daemonB = await spawnDaemonCli(DAEMON_ARGS, { prefix: asB.asUser, env: asB.env() });
    const profileB = await mkdtemp(join(tmpdir(), 'kb-userB-profile-'));
    const wrapperDir = await mkdtemp(join(tmpdir(), 'kb-userB-bin-'));
    scratch.push(profileB, wrapperDir);
    await installNativeHost({
      browsers: ['chromium'],
      userDataDir: profileB,
      extensionIds: [EXTENSION_ID],
      hostCommand: sourceHostCommand(),
    });
    for (const path of [profileB, ...(await readdir(profileB, { recursive: true })).map((p) => join(profileB, p))])
      await chown(path, asB.uid, asB.gid);
    const wrapper = join(wrapperDir, 'chromium-as-b');
    await writeFile(wrapper, `#!/bin/sh\nexec ${asB.asUser.join(' ')} ${CHROMIUM_PATH} "$@"\n`, { mode: 0o755 });
    await chmod(wrapperDir, 0o755);
    let contextB: BrowserContext;
    try {
      contextB = await chromium.launchPersistentContext(profileB, {
        executablePath: wrapper,
        headless: true,
        env: asB.env(),
        args: [
          `--disable-extensions-except=${extensionDir}`,
          `--load-extension=${extensionDir}`,
          ...HEADLESS_CHROMIUM_ARGS,
        ],
      });
    } catch (err) {
      await daemonB.stop();
      throw err;
    }
    b = {
      daemon: daemonB,
      context: contextB,
      close: async () => {
        await contextB.close().catch(() => {});
        await daemonB.stop();
      },
    };
  }, 300_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
    userB?.remove();
    undoTraversal?.();
    for (const dir of scratch) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it("each extension pairs through its own user's native host and connects to its own user's daemon", async () => {
    const [daemonA, daemonB] = [a!.daemon, b!.daemon];
    expect(daemonA.port).not.toBe(daemonB.port);
    // Both popups say connected, on the port their native host named — each its own user's.
    const [popupA, popupB] = await Promise.all([connectedPopup(a!.context), connectedPopup(b!.context)]);
    expect(popupA.line).toContain(`(port ${daemonA.port})`);
    expect(popupB.line).toContain(`(port ${daemonB.port})`);
    const [pairingA, pairingB] = await Promise.all([storedPairing(a!.context), storedPairing(b!.context)]);
    expect(pairingA.port).toBe(daemonA.port);
    expect(pairingB.port).toBe(daemonB.port);
    // A's daemon knows A's browser and not B's.
    const discover = (installId: string) =>
      controlCall(dataDirA, { op: 'native.discover', extensionOrigin: ORIGIN, installId });
    expect(await discover(pairingA.installId)).toMatchObject({ port: daemonA.port, paired: true });
    expect(await discover(pairingB.installId)).toMatchObject({ paired: false });
    // B's daemon, asked as B through B's native host: knows B's browser and not A's.
    const hostAsB = startHostProcess(
      userB!.asUser[0]!,
      [...userB!.asUser.slice(1), ...sourceHostCommand(), 'native-host', `${ORIGIN}/`],
      userB!.env(),
    );
    try {
      hostAsB.send({ id: 'b1', type: 'discover', installId: pairingB.installId });
      hostAsB.send({ id: 'b2', type: 'discover', installId: pairingA.installId });
      expect(await hostAsB.next((m) => m.id === 'b1', 60_000)).toMatchObject({
        ok: true,
        result: { port: daemonB.port, paired: true },
      });
      expect(await hostAsB.next((m) => m.id === 'b2', 60_000)).toMatchObject({ ok: true, result: { paired: false } });
    } finally {
      await hostAsB.close();
    }
    await Promise.all([popupA.page.close(), popupB.page.close()]);
  }, 180_000);

  it("user B's native host cannot reach user A's daemon: no port, no pairing", async () => {
    const host = startHostProcess(
      userB!.asUser[0]!,
      [...userB!.asUser.slice(1), ...sourceHostCommand(), 'native-host', '--data-dir', dataDirA, `${ORIGIN}/`],
      userB!.env(),
    );
    try {
      host.send({ id: 'd', type: 'discover' });
      host.send({ id: 'p', type: 'pair', installId: 'B'.repeat(24) });
      const [discovered, paired] = [
        await host.next((m) => m.id === 'd', 60_000),
        await host.next((m) => m.id === 'p', 60_000),
      ];
      for (const answer of [discovered, paired]) {
        expect(answer).toMatchObject({ ok: false, error: { code: 'ERR_CONTROL_SOCKET_UNSAFE' } });
        expect(JSON.stringify(answer)).not.toContain(String(a!.daemon.port));
      }
    } finally {
      await host.close();
    }
    expect(
      await controlCall(dataDirA, { op: 'native.discover', extensionOrigin: ORIGIN, installId: 'B'.repeat(24) }),
    ).toMatchObject({ paired: false });
    // Not only the host's own check: the OS refuses B's processes A's control socket.
    const probe = spawnSync(
      userB!.asUser[0]!,
      [
        ...userB!.asUser.slice(1),
        process.execPath,
        '-e',
        `require('node:net').connect(${JSON.stringify(controlSocketPath(dataDirA))})
          .on('connect', () => { console.log('CONNECTED'); process.exit(0); })
          .on('error', (e) => { console.log(e.code); process.exit(0); });`,
      ],
      { env: userB!.env(), encoding: 'utf8', timeout: 60_000 },
    );
    expect(probe.stdout.trim()).toBe('EACCES');
  }, 120_000);

  it("neither user's pairing secret opens the other user's daemon, and B gets no assertion from A", async () => {
    const [pairingA, pairingB] = [await storedPairing(a!.context), await storedPairing(b!.context)];
    const [portA, portB] = [a!.daemon.port, b!.daemon.port];
    // Each secret works at its own daemon (the control), never at the other's.
    expect(await upgradeStatus(portA, await proofFor(pairingA))).toBe(101);
    expect(await upgradeStatus(portB, await proofFor(pairingB))).toBe(101);
    expect(await upgradeStatus(portA, await proofFor(pairingB))).toBe(401);
    expect(await upgradeStatus(portB, await proofFor(pairingA))).toBe(401);
    // Without A's secret a socket to A's daemon can ask for nothing that signs.
    const intruder = await DaemonClient.connect(`ws://127.0.0.1:${portA}`, ORIGIN);
    try {
      await intruder.hello({ installId: pairingB.installId });
      expect(
        await intruder.request('signIn', { origin: 'http://localhost:3000', options: sampleRequestOptions() }),
      ).toMatchObject({ ok: false, error: { code: 'ERR_HANDSHAKE_REQUIRED' } });
    } finally {
      await intruder.close();
    }
  }, 120_000);
});
