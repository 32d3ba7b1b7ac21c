/**
 * The default key store: one sealed file per key in `<dataDir>/keys/<ref>.key` (0600), sealed
 * with the machine- and user-bound key (MachineSealer). Keys are loaded lazily and cached, so
 * signing costs the same with 1 or 10,000 stored keys.
 *
 * Why generate extractable and then re-import: WebCrypto cannot export a non-extractable key,
 * yet a file store must persist the private key somehow. So `create` generates the pair
 * extractable, exports PKCS#8 exactly once to seal it, re-imports it non-extractable and drops
 * the extractable handle. From then on — in this process and every later one — the private
 * key only exists as a non-extractable CryptoKey in memory and as a sealed blob on disk.
 * Hardware backends do not have this step: their keys never leave the chip.
 */

import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type CryptoProvider, defaultCrypto } from '../../../shared/crypto/index.js';
import { KeyStoreError } from '../../../shared/errors.js';
import { fromBase64url, toBase64url } from '../../../shared/webauthn/base64url.js';
import { atomicWriteFile } from '../storage/atomicWriteFile.js';
import { parseState } from '../storage/JsonStateFile.js';
import { KEY_REF_PATTERN, type KeyInfo, type KeyPurpose, type KeyStore, P256, publicJwkOf } from './KeyStore.js';
import type { Sealer } from './MachineSealer.js';
import { signP256 } from './signP256.js';

const sealedKeySchema = z
  .object({
    v: z.literal(1),
    ref: z.string().regex(KEY_REF_PATTERN),
    purpose: z.enum(['credential', 'device-identity']),
    createdAt: z.string(),
    publicJwk: z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string() }).strict(),
    pkcs8: z.string().regex(/^[A-Za-z0-9_-]+$/),
  })
  .strict();

interface LoadedKey {
  info: KeyInfo;
  privateKey: CryptoKey;
}

export class FileKeyStore implements KeyStore {
  readonly protection = 'software' as const;
  private readonly cache = new Map<string, LoadedKey>();
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly sealer: Sealer,
    private readonly crypto: CryptoProvider = defaultCrypto,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.dir = join(dataDir, 'keys');
  }

  async create(options: { purpose: KeyPurpose }): Promise<KeyInfo> {
    const subtle = this.crypto.subtle;
    const extractable = (await subtle.generateKey(P256, true, ['sign', 'verify'])) as CryptoKeyPair;
    const pkcs8 = new Uint8Array(await subtle.exportKey('pkcs8', extractable.privateKey));
    const publicJwk = publicJwkOf(await subtle.exportKey('jwk', extractable.publicKey));
    const privateKey = await subtle.importKey('pkcs8', pkcs8, P256, false, ['sign']);
    const ref = toBase64url(this.crypto.getRandomValues(new Uint8Array(16)));
    const info: KeyInfo = { ref, purpose: options.purpose, createdAt: this.now().toISOString(), publicJwk };
    const record = {
      v: 1 as const,
      ...info,
      publicJwk: publicJwk as z.infer<typeof sealedKeySchema>['publicJwk'],
      pkcs8: toBase64url(pkcs8),
    };
    pkcs8.fill(0);
    const sealed = await this.sealer.seal(`key:${ref}`, new TextEncoder().encode(JSON.stringify(record)));
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await atomicWriteFile(this.pathOf(ref), sealed, { mode: 0o600 });
    this.cache.set(ref, { info, privateKey });
    return info;
  }

  async sign(ref: string, data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    const key = this.cache.get(ref) ?? (await this.load(ref));
    return signP256(this.crypto.subtle, key.privateKey, data);
  }

  async publicKey(ref: string): Promise<JsonWebKey> {
    return (await this.load(ref)).info.publicJwk;
  }

  async delete(ref: string): Promise<void> {
    this.cache.delete(ref);
    if (!KEY_REF_PATTERN.test(ref)) return;
    await rm(this.pathOf(ref), { force: true });
  }

  async list(): Promise<KeyInfo[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const refs = names.filter((n) => n.endsWith('.key')).map((n) => n.slice(0, -4));
    const out: KeyInfo[] = [];
    for (const ref of refs) if (KEY_REF_PATTERN.test(ref)) out.push((await this.load(ref)).info);
    return out;
  }

  /** What the store knows about `ref` (its purpose, public key), unsealing it if needed. */
  async info(ref: string): Promise<KeyInfo> {
    return (await this.load(ref)).info;
  }

  /** The refs of the key files on disk, read from their names only (nothing is unsealed). */
  async refsOnDisk(): Promise<string[]> {
    const names = await readdir(this.dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    return names
      .filter((n) => n.endsWith('.key'))
      .map((n) => n.slice(0, -4))
      .filter((r) => KEY_REF_PATTERN.test(r));
  }

  private pathOf(ref: string): string {
    return join(this.dir, `${ref}.key`);
  }

  private async load(ref: string): Promise<LoadedKey> {
    const cached = this.cache.get(ref);
    if (cached) return cached;
    if (!KEY_REF_PATTERN.test(ref))
      throw new KeyStoreError(
        'ERR_KEY_NOT_FOUND',
        `No key ${ref} in the key store; delete this device sign-in in Protect and register again from the portal`,
      );
    let sealed: Buffer;
    try {
      sealed = await readFile(this.pathOf(ref));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new KeyStoreError(
          'ERR_KEY_NOT_FOUND',
          `No key ${ref} in the key store; delete this device sign-in in Protect and register again from the portal`,
        );
      }
      throw err;
    }
    const plain = await this.sealer.open(`key:${ref}`, sealed);
    const record = parseState(this.pathOf(ref), plain, sealedKeySchema, 16 * 1024);
    const pkcs8 = fromBase64url(record.pkcs8);
    const privateKey = await this.crypto.subtle.importKey('pkcs8', pkcs8, P256, false, ['sign']);
    pkcs8.fill(0);
    plain.fill(0);
    const loaded = {
      info: { ref, purpose: record.purpose, createdAt: record.createdAt, publicJwk: record.publicJwk },
      privateKey,
    };
    this.cache.set(ref, loaded);
    return loaded;
  }
}
