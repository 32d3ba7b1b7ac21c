/**
 * The Linux kernel's TPM resource manager, `/dev/tpmrm0`: write one command, read one response.
 * The kernel flushes this connection's transient objects when the file is closed, and virtualises
 * object slots, so many processes can share the TPM.
 * COMPAT(untested: /dev/tpmrm0 — no TPM device on the build machine; swtpm's socket carries the
 * same bytes, so only the open/read/write framing here is untested).
 */
import { type FileHandle, open } from 'node:fs/promises';
import { KeyStoreError } from '../../../../shared/errors.js';
import type { TpmTransport } from './TpmTransport.js';

const MAX_RESPONSE_BYTES = 4096 * 4;

export class DeviceTransport implements TpmTransport {
  readonly resourceManaged = true;
  private handle: FileHandle | undefined;

  constructor(readonly address: string) {}

  async send(command: Uint8Array): Promise<Uint8Array> {
    const fh = await this.open();
    await fh.write(command, 0, command.byteLength, null);
    const buf = new Uint8Array(MAX_RESPONSE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, buf.byteLength, null);
    return buf.slice(0, bytesRead);
  }

  async close(): Promise<void> {
    const fh = this.handle;
    this.handle = undefined;
    await fh?.close();
  }

  private async open(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    try {
      this.handle = await open(this.address, 'r+');
      return this.handle;
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      throw new KeyStoreError(
        'ERR_TPM_UNAVAILABLE',
        code === 'EACCES'
          ? `No permission to use ${this.address}; add this user to the "tss" group`
          : `Cannot open the TPM at ${this.address} (${code ?? 'error'})`,
        { cause },
      );
    }
  }
}
