/**
 * A real daemon for the benchmarks, in this process: port 0, a fresh temp data dir with an
 * enrolled emulated device, `--uv auto`, the real device side (sealed keys, SQLite credentials,
 * audit log) and a real pino logger at the default level writing to a file (the same synchronous
 * writes a daemon makes to stderr, kept out of the benchmark's own output). One benchmark client
 * is paired (pre-authorised, as IT policy allows) and one credential registered over the WebSocket.
 *
 * One deliberate difference from `keybound daemon`: the per-connection rate limit (50 messages/s)
 * is raised, because a benchmark sends as fast as it can; the bucket check itself still runs.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { connectPaired, type DaemonClient, newInstall } from '../../dev/daemonClient.js';
import { type DevDaemon, startDevDaemon } from '../../dev/startDevDaemon.js';
import { createLogger } from '../../shared/node/createLogger.js';
import { prepareDevice } from './prepareDevice.js';
import { newRequestOptions, RP_ORIGIN, registerCredential } from './webauthnRequests.js';

export interface BenchDaemon {
  daemon: DevDaemon;
  dataDir: string;
  /** The credential id registered for the benchmark user. */
  credentialId: string;
  /** The paired client the first measurement uses. */
  client: DaemonClient;
  /** Opens another connection of the same paired install (hello + auth). */
  connect(): Promise<DaemonClient>;
  /** One sign-in on `client` (defaults to the first); throws if the daemon refused it. */
  signIn(client?: DaemonClient): Promise<void>;
  /** The request a sign-in sends, serialised (for the floor's message size). */
  sampleRequestBytes(): number;
  /** Bytes the daemon has logged so far. */
  logBytes(): Promise<number>;
  stop(): Promise<void>;
}

export interface BenchDaemonOptions {
  /** Other accounts in the credential store before the daemon starts. */
  fillerCredentials?: number;
  /** Keys in a TPM at this address (`swtpm:127.0.0.1:PORT`) instead of the file store. */
  tpm?: string;
}

export async function startBenchDaemon(options: BenchDaemonOptions = {}): Promise<BenchDaemon> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kb-bench-'));
  const logFile = join(dataDir, 'daemon.log');
  const clients: DaemonClient[] = [];
  let daemon: DevDaemon | undefined;
  try {
    await prepareDevice(dataDir, options.fillerCredentials ?? 0, options.tpm);
    daemon = await startDevDaemon({
      dataDir,
      preauthorizePairing: true,
      logger: createLogger('daemon', { destination: pino.destination({ dest: logFile, sync: true }) }),
      connection: { messagesPerSecond: 1_000_000 },
      ...(options.tpm ? { keyStore: 'tpm' as const, tpm: options.tpm } : {}),
    });
    const url = daemon.url;
    const install = newInstall();
    // As the extension does: paired through the native host, authenticated at the upgrade
    // (in-band auth on a plain URL stays in the small unauthenticated pool and is evicted).
    const target = { url, dataDir };
    const client = await connectPaired(target, install);
    clients.push(client);
    const credentialId = await registerCredential(client);
    const running = daemon;
    return {
      daemon: running,
      dataDir,
      credentialId,
      client,
      async connect() {
        const c = await connectPaired(target, install);
        clients.push(c);
        return c;
      },
      async signIn(c = client) {
        const r = await c.request('signIn', { origin: RP_ORIGIN, options: newRequestOptions(credentialId) });
        if (!r.ok) throw new Error(`sign-in refused: ${r.error.code}: ${r.error.message}`);
      },
      sampleRequestBytes: () =>
        JSON.stringify({ type: 'signIn', id: 'r1000', origin: RP_ORIGIN, options: newRequestOptions(credentialId) })
          .length,
      logBytes: async () => (await stat(logFile)).size,
      async stop() {
        await Promise.all(clients.map((c) => c.close()));
        await running.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await Promise.all(clients.map((c) => c.close()));
    await daemon?.close();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}
