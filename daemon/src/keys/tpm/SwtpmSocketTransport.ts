/**
 * swtpm's TCP "server" interface: raw TPM 2.0 commands in, raw responses out, one at a time on
 * one connection (the client serialises). A response is complete when the size in its 10-byte
 * header has arrived. Each command has a generous bounded wait so a hung swtpm gives an error,
 * not a hang; a closed connection is reopened on the next command (swtpm restarted).
 */
import { connect, type Socket } from 'node:net';
import { KeyStoreError } from '../../../../shared/errors.js';
import type { TpmTransport } from './TpmTransport.js';

const MAX_RESPONSE_BYTES = 64 * 1024;

export class SwtpmSocketTransport implements TpmTransport {
  readonly resourceManaged = false;
  readonly address: string;
  private socket: Socket | undefined;
  private pending: { resolve(b: Uint8Array): void; reject(e: Error): void } | undefined;
  private received: Buffer = Buffer.alloc(0);

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs = 30_000,
  ) {
    this.address = `swtpm:${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  async send(command: Uint8Array): Promise<Uint8Array> {
    if (this.pending) throw new TypeError('SwtpmSocketTransport.send: one command at a time');
    const socket = await this.open();
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          new KeyStoreError(
            'ERR_TPM_UNAVAILABLE',
            `The TPM at ${this.address} did not answer within ${this.timeoutMs} ms`,
          ),
        );
      }, this.timeoutMs);
      this.pending = {
        resolve: (b) => {
          clearTimeout(timer);
          resolve(b);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.received = Buffer.alloc(0);
      socket.write(command);
    });
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (s) await new Promise<void>((resolve) => s.end(resolve));
  }

  private open(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    return new Promise((resolve, reject) => {
      const s = connect({ host: this.host, port: this.port });
      s.setNoDelay(true);
      const onError = (cause: Error) => {
        reject(
          new KeyStoreError('ERR_TPM_UNAVAILABLE', `Cannot reach the TPM at ${this.address}: ${cause.message}`, {
            cause,
          }),
        );
      };
      s.once('error', onError);
      s.once('connect', () => {
        s.off('error', onError);
        s.on('error', (cause) =>
          this.fail(
            new KeyStoreError('ERR_TPM_UNAVAILABLE', `Lost the TPM at ${this.address}: ${cause.message}`, { cause }),
          ),
        );
        s.on('close', () => {
          if (this.socket === s) this.socket = undefined;
          this.fail(new KeyStoreError('ERR_TPM_UNAVAILABLE', `The TPM at ${this.address} closed the connection`));
        });
        s.on('data', (chunk: Buffer) => this.onData(chunk));
        this.socket = s;
        resolve(s);
      });
    });
  }

  private onData(chunk: Buffer): void {
    this.received = Buffer.concat([this.received, chunk]);
    if (this.received.byteLength < 10) return;
    const size = this.received.readUInt32BE(2);
    if (size < 10 || size > MAX_RESPONSE_BYTES) {
      this.socket?.destroy();
      this.fail(new KeyStoreError('ERR_TPM_FAILED', `The TPM at ${this.address} sent a response of ${size} bytes`));
      return;
    }
    if (this.received.byteLength < size) return;
    const response = new Uint8Array(this.received.subarray(0, size));
    this.received = Buffer.alloc(0);
    const p = this.pending;
    this.pending = undefined;
    p?.resolve(response);
  }

  private fail(err: Error): void {
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      this.socket?.destroy();
      p.reject(err);
    }
  }
}
