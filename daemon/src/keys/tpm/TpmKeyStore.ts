/**
 * Keys inside a TPM 2.0. Each key is created by the TPM under its storage root key (the TCG ECC
 * P-256 SRK, re-derived from the TPM's storage seed at start), with fixedTPM | fixedParent |
 * sensitiveDataOrigin | sign: the private key is generated inside the chip and can never leave
 * it. What lands on disk (`keys/<ref>.tpmkey`, 0600) is the TPM's wrapped blob (TPM2B_PRIVATE,
 * encrypted and integrity-protected under the SRK), the public area and the SRK's name. Every
 * signature is made by the TPM: load the blob, sign the SHA-256 digest. The last key signed with
 * stays loaded (one object beside the SRK, so even swtpm without a resource manager, which has
 * three object slots, keeps one free; attestation flushes it first), so a user's repeated
 * sign-ins cost one TPM command instead of three (docs/performance.md, "Hardware keys").
 *
 * A data dir copied to another TPM fails before any load with ERR_KEYSTORE_OTHER_TPM (the SRK
 * name differs), and if the name were forged, the other TPM refuses the blob (integrity).
 * A TPM restart (swtpm stop/start, or a resumed machine) loses the loaded SRK: it is
 * re-created on the next use and nothing on disk changes.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { KeyStoreError } from '../../../../shared/errors.js';
import { SIGNING_KEY_ATTRIBUTES, TPM_RH_OWNER } from '../../../../shared/tpm/constants.js';
import {
  eccPublicJwk,
  eccSigningTemplate,
  eccStorageTemplate,
  objectName,
  parsePublicArea,
} from '../../../../shared/tpm/publicArea.js';
import { fromBase64url, toBase64url } from '../../../../shared/webauthn/base64url.js';
import { atomicWriteFile } from '../../storage/atomicWriteFile.js';
import { parseState } from '../../storage/JsonStateFile.js';
import { KEY_REF_PATTERN, type KeyInfo, type KeyPurpose, type KeyStore } from '../KeyStore.js';
import { RC_HANDLE, RC_INTEGRITY, type TpmClient, TpmResponseError } from './TpmClient.js';

const b64 = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/)
  .max(4096);
const tpmKeySchema = z
  .object({
    v: z.literal(1),
    ref: z.string().regex(KEY_REF_PATTERN),
    purpose: z.enum(['credential', 'device-identity', 'session', 'attestation']),
    createdAt: z.string(),
    publicJwk: z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string() }).strict(),
    parentName: b64,
    publicArea: b64,
    privateBlob: b64,
  })
  .strict();
export type TpmKeyRecord = z.infer<typeof tpmKeySchema>;

export const OTHER_TPM_MESSAGE =
  'This key was created in another TPM (this data dir was copied from another machine, or the TPM was cleared); register this device again';

export class TpmKeyStore implements KeyStore {
  readonly protection = 'tpm' as const;
  private srk: { handle: number; name: string } | undefined;
  /** The key left loaded after its last signature (at most one). */
  private loaded: { ref: string; handle: number } | undefined;
  private readonly cache = new Map<string, TpmKeyRecord>();
  private readonly dir: string;

  constructor(
    dataDir: string,
    readonly client: TpmClient,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.dir = join(dataDir, 'keys');
  }

  /** Checks the TPM answers (creates the SRK); without a resource manager, flushes objects a crashed run left loaded. */
  async open(): Promise<this> {
    await this.client.exclusive(async () => {
      if (!this.client.transport.resourceManaged) {
        for (const h of await this.client.transientHandles()) await this.client.flush(h);
      }
      await this.ensureSrk();
    });
    return this;
  }

  async close(): Promise<void> {
    await this.client.exclusive(async () => {
      await this.unloadKept();
      const srk = this.srk;
      this.srk = undefined;
      if (srk) await this.client.flush(srk.handle).catch(() => undefined);
      await this.client.transport.close();
    });
  }

  async create(options: { purpose: KeyPurpose | 'attestation'; attributes?: number }): Promise<KeyInfo> {
    const template = eccSigningTemplate(options.attributes ?? SIGNING_KEY_ATTRIBUTES);
    const { created, parentName } = await this.withSrk(async (srk) => ({
      created: await this.client.create(srk.handle, template),
      parentName: srk.name,
    }));
    const publicJwk = eccPublicJwk(parsePublicArea(created.publicArea));
    const ref = toBase64url(crypto.getRandomValues(new Uint8Array(16)));
    const record: TpmKeyRecord = {
      v: 1,
      ref,
      purpose: options.purpose,
      createdAt: this.now().toISOString(),
      publicJwk: publicJwk as TpmKeyRecord['publicJwk'],
      parentName,
      publicArea: toBase64url(created.publicArea),
      privateBlob: toBase64url(created.privateBlob),
    };
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await atomicWriteFile(this.pathOf(ref), new TextEncoder().encode(JSON.stringify(record)), { mode: 0o600 });
    this.cache.set(ref, record);
    return infoOf(record);
  }

  async sign(ref: string, data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    const digest = createHash('sha256').update(data).digest();
    const record = await this.load(ref);
    return this.withSrk(async (srk) => {
      if (this.loaded?.ref !== ref) {
        await this.unloadKept();
        this.loaded = { ref, handle: await this.loadOne(srk, record) };
      }
      try {
        return await this.client.sign(this.loaded.handle, digest);
      } catch (err) {
        // Whatever went wrong, the next signature starts from a fresh load.
        await this.unloadKept();
        throw err;
      }
    });
  }

  /** Flushes the key kept loaded after its last signature (best effort: after a TPM restart it is gone already). */
  private async unloadKept(): Promise<void> {
    const kept = this.loaded;
    this.loaded = undefined;
    if (kept) await this.client.flush(kept.handle).catch(() => undefined);
  }

  /** Runs `fn` with the keys loaded in the TPM (in order); flushes them afterwards whatever happens. */
  async withLoaded<T>(refs: string | string[], fn: (...handles: number[]) => Promise<T>): Promise<T> {
    const records = await Promise.all((Array.isArray(refs) ? refs : [refs]).map((r) => this.load(r)));
    return this.withSrk(async (srk) => {
      // Attestation may need every free slot (AK, certified key, EK): free the kept key first.
      await this.unloadKept();
      const handles: number[] = [];
      try {
        for (const record of records) handles.push(await this.loadOne(srk, record));
        return await fn(...handles);
      } finally {
        for (const h of handles) await this.client.flush(h);
      }
    });
  }

  private async loadOne(srk: { handle: number; name: string }, record: TpmKeyRecord): Promise<number> {
    if (record.parentName !== srk.name) throw new KeyStoreError('ERR_KEYSTORE_OTHER_TPM', OTHER_TPM_MESSAGE);
    try {
      return await this.client.load(srk.handle, fromBase64url(record.privateBlob), fromBase64url(record.publicArea));
    } catch (err) {
      if (err instanceof TpmResponseError && err.baseRc === RC_INTEGRITY) {
        throw new KeyStoreError('ERR_KEYSTORE_OTHER_TPM', OTHER_TPM_MESSAGE, { cause: err });
      }
      throw err;
    }
  }

  /** Runs `fn` holding the TPM exclusively (the SRK loaded), for the attestation commands. */
  withTpm<T>(fn: (client: TpmClient) => Promise<T>): Promise<T> {
    return this.withSrk(() => fn(this.client));
  }

  /** For use only inside withLoaded's callback, which already holds the TPM. */
  withTpmHeld<T>(fn: (client: TpmClient) => Promise<T>): Promise<T> {
    return fn(this.client);
  }

  /** The stored record (public area, wrapped blob) of a key. */
  async record(ref: string): Promise<TpmKeyRecord> {
    return this.load(ref);
  }

  async publicKey(ref: string): Promise<JsonWebKey> {
    return (await this.load(ref)).publicJwk;
  }

  async delete(ref: string): Promise<void> {
    this.cache.delete(ref);
    if (this.loaded?.ref === ref) await this.client.exclusive(() => this.unloadKept());
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
    const out: KeyInfo[] = [];
    for (const n of names) {
      const ref = n.slice(0, -'.tpmkey'.length);
      if (!n.endsWith('.tpmkey') || !KEY_REF_PATTERN.test(ref)) continue;
      const record = await this.load(ref);
      if (record.purpose !== 'attestation') out.push(infoOf(record));
    }
    return out;
  }

  /** Runs `fn` holding the TPM with the SRK loaded; re-creates the SRK once if the TPM restarted. */
  private withSrk<T>(fn: (srk: { handle: number; name: string }) => Promise<T>): Promise<T> {
    return this.client.exclusive(async () => {
      const srk = await this.ensureSrk();
      try {
        return await fn(srk);
      } catch (err) {
        // swtpm restarted (or the machine resumed): the SRK handle is gone. Derive it again, once.
        if (!(err instanceof TpmResponseError) || (err.baseRc !== RC_HANDLE && (err.rc & 0xfff) !== 0x910)) throw err;
        this.srk = undefined;
        this.loaded = undefined;
        return fn(await this.ensureSrk());
      }
    });
  }

  private async ensureSrk(): Promise<{ handle: number; name: string }> {
    if (this.srk) return this.srk;
    const { handle, publicArea } = await this.client.createPrimary(TPM_RH_OWNER, eccStorageTemplate());
    this.srk = { handle, name: toBase64url(objectName(publicArea)) };
    return this.srk;
  }

  private pathOf(ref: string): string {
    return join(this.dir, `${ref}.tpmkey`);
  }

  private async load(ref: string): Promise<TpmKeyRecord> {
    const cached = this.cache.get(ref);
    if (cached) return cached;
    const notFound = () =>
      new KeyStoreError(
        'ERR_KEY_NOT_FOUND',
        `No key ${ref} in the key store; delete this device sign-in in Protect and register again from the portal`,
      );
    if (!KEY_REF_PATTERN.test(ref)) throw notFound();
    let raw: Buffer;
    try {
      raw = await readFile(this.pathOf(ref));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound();
      throw err;
    }
    const record = parseState(this.pathOf(ref), new Uint8Array(raw), tpmKeySchema, 16 * 1024);
    if (record.ref !== ref)
      throw new KeyStoreError(
        'ERR_KEYSTORE_CORRUPT',
        `Key file ${this.pathOf(ref)} holds key ${record.ref}; register this device again`,
      );
    this.cache.set(ref, record);
    return record;
  }
}

function infoOf(r: TpmKeyRecord): KeyInfo {
  return { ref: r.ref, purpose: r.purpose as KeyPurpose, createdAt: r.createdAt, publicJwk: r.publicJwk };
}
