/**
 * The daemon's device-bound session keys (DBSC): which key (by ref in the key store) serves which
 * portal origin, named by its RFC 7638 thumbprint (`keyId`). Only keys listed here sign DBSC
 * proofs, so a paired extension can never have a credential or identity key sign one. Bounded:
 * the oldest entry (and its key) goes when the list is full.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { JsonStateFile } from '../storage/JsonStateFile.js';

export const SESSION_KEYS_FILE = 'session-keys.json';
export const MAX_SESSION_KEYS = 64;

const entry = z
  .object({
    keyId: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    keyRef: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
    origin: z.string().max(2048),
    createdAt: z.string().max(64),
  })
  .strict();
export type SessionKeyEntry = z.infer<typeof entry>;

const schema = z.object({ v: z.literal(1), keys: z.array(entry).max(MAX_SESSION_KEYS) }).strict();

export class SessionKeyFile {
  private readonly file: JsonStateFile<typeof schema>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.file = new JsonStateFile(join(dataDir, SESSION_KEYS_FILE), schema);
  }

  async list(): Promise<SessionKeyEntry[]> {
    return (await this.file.read())?.keys ?? [];
  }

  async find(keyId: string): Promise<SessionKeyEntry | undefined> {
    return (await this.list()).find((k) => k.keyId === keyId);
  }

  /** Adds `added`; returns the entries evicted to stay within the bound (their keys to delete). */
  add(added: SessionKeyEntry): Promise<SessionKeyEntry[]> {
    return this.serial(async () => {
      const keys = [...(await this.list()), added];
      const evicted = keys.splice(0, Math.max(0, keys.length - MAX_SESSION_KEYS));
      await this.file.write({ v: 1, keys });
      return evicted;
    });
  }

  remove(keyId: string): Promise<SessionKeyEntry | undefined> {
    return this.serial(async () => {
      const keys = await this.list();
      const gone = keys.find((k) => k.keyId === keyId);
      if (gone) await this.file.write({ v: 1, keys: keys.filter((k) => k !== gone) });
      return gone;
    });
  }

  /** Writes one after another, so two registrations cannot lose each other's entry. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
