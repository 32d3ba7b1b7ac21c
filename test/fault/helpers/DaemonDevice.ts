/**
 * The device as a real daemon process, reached as the extension reaches it: one paired WebSocket
 * per daemon process, carrying `status`, `register` and `signIn` (protocol v1). The fault suite
 * kills the process by PID at any instant (`kill()`) and starts it again on the same data dir
 * (`restart()`); a request in flight when the daemon dies fails with the close code, never hangs.
 */
import Database from 'better-sqlite3';
import { connectPaired, type DaemonClient, newInstall, type TestInstall } from '../../../dev/daemonClient.js';
import type { PayloadOf, ResultOf } from '../../../shared/protocol/index.js';
import { type DaemonProcess, killDaemon, startDaemon } from './daemonProcess.js';
import type { TabDevice } from './PortalTab.js';

export class DaemonDevice implements TabDevice {
  private process!: DaemonProcess;
  private client: DaemonClient | undefined;
  private readonly install: TestInstall = newInstall();
  /** Told of each `register` and `signIn` as it is sent, with its answer to come (the fault suite times kills by it). */
  onRequest: ((op: 'register' | 'signIn', answered: Promise<unknown>) => void) | undefined;

  private constructor(readonly dataDir: string) {}

  /** Starts the daemon on a prepared data dir (an enrolled, eligible device) and pairs with it. */
  static async start(dataDir: string): Promise<DaemonDevice> {
    const device = new DaemonDevice(dataDir);
    await device.restart();
    return device;
  }

  get pid(): number {
    return this.process.child.pid as number;
  }

  get alive(): boolean {
    return this.process.child.exitCode === null && this.process.child.signalCode === null;
  }

  /**
   * A fresh daemon process on the same data dir (the previous one is killed first if it still
   * runs), then one request, which waits for its device side and start-up sweep to open.
   */
  async restart(): Promise<void> {
    if (this.process) await this.kill();
    this.process = await startDaemon(this.dataDir);
    this.client = await connectPaired(this.process.url, this.install);
    await this.client.call('status', { rpId: 'localhost' });
  }

  /** kill -9 by PID, now (a crash at whatever the daemon is doing); resolves once it is gone. */
  async kill(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await killDaemon(this.process.child);
    await client?.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.process) await this.kill();
  }

  private connection(): DaemonClient {
    if (!this.client) throw new Error(`the daemon (pid ${this.pid}) was killed: no connection`);
    return this.client;
  }

  status(req: PayloadOf<'status'>): Promise<ResultOf<'status'>> {
    return this.connection().call('status', req);
  }

  register(req: PayloadOf<'register'>): Promise<ResultOf<'register'>> {
    return this.told('register', this.connection().call('register', req));
  }

  signIn(req: PayloadOf<'signIn'>): Promise<ResultOf<'signIn'>> {
    return this.told('signIn', this.connection().call('signIn', req));
  }

  private told<T>(op: 'register' | 'signIn', answered: Promise<T>): Promise<T> {
    this.onRequest?.(op, answered);
    return answered;
  }

  /** The ids of the credentials the device holds for `userName` at `rpId`, read from its database. */
  credentialIds(rpId: string, userName: string): string[] {
    const db = new Database(`${this.dataDir}/credentials.db`, { readonly: true, fileMustExist: true });
    try {
      return db
        .prepare<[string, string], { credentialId: string }>(
          'SELECT credentialId FROM credentials WHERE rpId = ? AND userName = ?',
        )
        .all(rpId, userName)
        .map((r) => r.credentialId);
    } finally {
      db.close();
    }
  }
}
