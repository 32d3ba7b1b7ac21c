/**
 * A JSON state file with a strict schema. Reads are size-capped, parsed in a try and validated;
 * a file that fails any step is reported as ERR_STATE_CORRUPT — never silently reset, because a
 * reset would lose credentials the portal still has. Writes go through atomicWriteFile.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { type AtomicFs, atomicWriteFile } from './atomicWriteFile.js';
import { stateCorrupt } from './stateCorrupt.js';

const FIX = 'Stop the daemon and restore the file from a backup, or move it away to start that part afresh';

/** State files are small; anything larger is not ours. */
const MAX_STATE_BYTES = 4 * 1024 * 1024;

export class JsonStateFile<S extends z.ZodType> {
  constructor(
    readonly path: string,
    private readonly schema: S,
    private readonly options: { fs?: AtomicFs; maxBytes?: number } = {},
  ) {}

  /** The parsed state, or undefined when the file does not exist. Throws ERR_STATE_CORRUPT otherwise. */
  async read(): Promise<z.infer<S> | undefined> {
    let raw: Buffer;
    try {
      raw = await readFile(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return parseState(this.path, raw, this.schema, this.options.maxBytes ?? MAX_STATE_BYTES);
  }

  /** Validates `value` against the schema (a programmer error if it fails) and writes it atomically, 0600. */
  async write(value: z.infer<S>): Promise<void> {
    const checked = this.schema.parse(value);
    await atomicWriteFile(this.path, `${JSON.stringify(checked, null, 2)}\n`, { mode: 0o600, fs: this.options.fs });
  }
}

/** size cap → JSON.parse in a try → strict schema; any failure is ERR_STATE_CORRUPT naming the file. */
export function parseState<S extends z.ZodType>(
  path: string,
  raw: Uint8Array,
  schema: S,
  maxBytes: number,
): z.infer<S> {
  if (raw.byteLength > maxBytes) {
    throw stateCorrupt(path, `is ${raw.byteLength} bytes, expected at most ${maxBytes}`, FIX);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(raw));
  } catch (cause) {
    throw stateCorrupt(path, 'is not valid JSON', FIX, { cause });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
    throw stateCorrupt(path, `does not match its schema (${where})`, FIX);
  }
  return parsed.data;
}
