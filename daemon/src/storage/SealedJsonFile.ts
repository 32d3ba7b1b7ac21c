/**
 * A JSON state file sealed with the machine binding (MachineSealer): like JsonStateFile, but the
 * bytes on disk are AES-GCM ciphertext bound to this machine, user and install, with the file's
 * purpose as AAD. Used for secrets: pairing secrets, TOTP secrets.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import type { Sealer } from '../keys/MachineSealer.js';
import { atomicWriteFile } from './atomicWriteFile.js';
import { parseState } from './JsonStateFile.js';

const MAX_SEALED_BYTES = 4 * 1024 * 1024;

export class SealedJsonFile<S extends z.ZodType> {
  constructor(
    readonly path: string,
    private readonly purpose: string,
    private readonly schema: S,
    private readonly sealer: Sealer,
  ) {}

  /** undefined when missing; ERR_KEYSTORE_WRONG_MACHINE / ERR_KEYSTORE_CORRUPT / ERR_STATE_CORRUPT otherwise. */
  async read(): Promise<z.infer<S> | undefined> {
    let sealed: Buffer;
    try {
      sealed = await readFile(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const plain = await this.sealer.open(this.purpose, sealed);
    return parseState(this.path, plain, this.schema, MAX_SEALED_BYTES);
  }

  async write(value: z.infer<S>): Promise<void> {
    const checked = this.schema.parse(value);
    const sealed = await this.sealer.seal(this.purpose, new TextEncoder().encode(JSON.stringify(checked)));
    await atomicWriteFile(this.path, sealed, { mode: 0o600 });
  }
}
