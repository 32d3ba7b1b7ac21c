/**
 * Pairing a new extension install and reconnecting a paired one, against a real daemon, the ways
 * the extension can: through the native-messaging host (decision 0040: the browser starts
 * `keybound native-host`, which pairs over the control socket; the WebSocket then authenticates
 * at the upgrade) and through the WebSocket handshake (hello → pair → auth: the path before
 * native messaging, kept today only as the Protect-prompt fallback, approved here by `--uv auto`).
 */
import { rm } from 'node:fs/promises';
import { installNativeHost } from '../../daemon/src/nativeHost/installNativeHost.js';
import {
  connectPaired,
  newInstall,
  pairNatively,
  TEST_EXTENSION_ID,
  TEST_EXTENSION_ORIGIN,
  type TestInstall,
} from '../../dev/daemonClient.js';
import { startHostProcess } from '../../dev/nativeHostProcess.js';
import { makeTempDir, startDevDaemon } from '../../dev/startDevDaemon.js';
import { fromBase64url } from '../../shared/webauthn/base64url.js';
import { type Summary, timeSequential } from '../lib/stats.js';

export interface PairingFigures {
  /** Native host process started, `pair` answered, WebSocket with upgrade proof + hello. */
  nativeHost: Summary;
  /** The same without the host's process start: control-socket pairing + upgrade proof + hello. */
  controlSocket: Summary;
  /** hello → pair (Protect prompt approved by --uv auto) over an unauthenticated WebSocket. */
  webSocket: Summary;
  /** A paired install connecting again: upgrade proof + hello. */
  reconnectProof: Summary;
  /** A paired install connecting again the old way: hello → auth. */
  reconnectAuth: Summary;
  /** The native host process alone: start → first answer (`discover`). */
  hostStart: Summary;
}

/** `n` sequential runs, every one measured (each pairing is a first time: no warm-up). */
const timed = (n: number, fn: () => Promise<unknown>): Promise<Summary> => timeSequential(fn, n, 0);

export async function measurePairing(n: number): Promise<PairingFigures> {
  const daemon = await startDevDaemon({
    uv: 'auto',
    allowExtensions: [TEST_EXTENSION_ID],
    preauthorizePairing: true,
  });
  const profile = await makeTempDir('kb-bench-prof-');
  try {
    // The launcher `keybound native-host install` writes: the installed CLI (bin/keybound.js).
    const [installed] = await installNativeHost({
      browsers: ['chromium'],
      userDataDir: profile,
      dataDir: daemon.dataDir,
      extensionIds: [TEST_EXTENSION_ID],
    });
    const launcher = installed!.launcherPath;
    const hostCall = async (message: Record<string, unknown>) => {
      const host = startHostProcess(launcher, [`${TEST_EXTENSION_ORIGIN}/`]);
      try {
        host.send({ id: 'm', ...message });
        const answer = await host.next((m) => m.id === 'm', 60_000);
        if (answer.ok !== true) throw new Error(`native host: ${JSON.stringify(answer)}`);
        return answer.result as { secret?: string };
      } finally {
        await host.close();
      }
    };
    const viaHost = async () => {
      const install: TestInstall = newInstall();
      const { secret } = await hostCall({ type: 'pair', installId: install.installId });
      install.secret = fromBase64url(secret!);
      await (await connectPaired(daemon, install)).close();
    };
    const viaControl = async () => {
      const install = newInstall();
      await pairNatively(daemon.dataDir, install);
      await (await connectPaired(daemon, install)).close();
    };
    const viaWebSocket = async () => {
      await (await connectPaired(daemon.url, newInstall())).close();
    };
    await viaHost();
    await viaControl();
    await viaWebSocket();
    const nativeHost = await timed(n, viaHost);
    const controlSocket = await timed(n, viaControl);
    const webSocket = await timed(n, viaWebSocket);
    const hostStart = await timed(n, () => hostCall({ type: 'discover' }));
    const native = newInstall();
    await pairNatively(daemon.dataDir, native);
    const prompt = newInstall();
    await (await connectPaired(daemon.url, prompt)).close();
    const reconnectProof = await timed(n * 4, async () => (await connectPaired(daemon, native)).close());
    const reconnectAuth = await timed(n * 4, async () => (await connectPaired(daemon.url, prompt)).close());
    return { nativeHost, controlSocket, webSocket, reconnectProof, reconnectAuth, hostStart };
  } finally {
    await daemon.stop();
    await rm(profile, { recursive: true, force: true });
  }
}
