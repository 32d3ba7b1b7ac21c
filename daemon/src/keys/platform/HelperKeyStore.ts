/**
 * Keys in the platform's secure hardware through a small signed helper process — the macOS
 * Secure Enclave (`daemon/helpers/macos/KeyboundSecureEnclave.swift`, CryptoKit/SecKey) and the
 * Windows "Microsoft Platform Crypto Provider" (`daemon/helpers/windows/KeyboundPlatformCrypto.cs`,
 * CNG over the TPM) — speaking one JSON-lines protocol on stdin/stdout:
 *   → {"id":1,"op":"create","label":"<ref>"}        ← {"id":1,"ok":true,"x":"…","y":"…"}
 *   → {"id":2,"op":"sign","label":"<ref>","data":"<base64url>"}  ← {"id":2,"ok":true,"signature":"<r‖s base64url>"}
 *   → {"id":3,"op":"delete","label":"<ref>"}        ← {"id":3,"ok":true}
 *   ← {"id":n,"ok":false,"code":"…","message":"…"} on failure.
 * The helper hashes `data` with SHA-256 and signs inside the hardware; private keys never reach
 * this process. Key metadata (ref, purpose, public key) is kept beside the data dir's other keys
 * as `keys/<ref>.hwkey`, like the TPM store's blobs (the hardware keeps the key itself).
 *
 * COMPAT(untested: macOS Secure Enclave and Windows Platform Crypto Provider — no such machines
 * in this build; the protocol side is written, the helpers are sources to be built and signed;
 * plan in docs/decisions/0062-secure-enclave-and-cng.md). There is no fake of the hardware: on
 * Linux `openPlatformKeyStore` refuses, and nothing here pretends to be a Secure Enclave.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { KeyStoreError } from '../../../../shared/errors.js';
import { fromBase64url, toBase64url } from '../../../../shared/webauthn/base64url.js';
import { atomicWriteFile } from '../../storage/atomicWriteFile.js';
import { parseState } from '../../storage/JsonStateFile.js';
import { KEY_REF_PATTERN, type KeyInfo, type KeyPurpose, type KeyStore } from '../KeyStore.js';

const reply = z.union([
  z
    .object({
      id: z.number(),
      ok: z.literal(true),
      x: z.string().optional(),
      y: z.string().optional(),
      signature: z.string().optional(),
    })
    .strict(),
  z.object({ id: z.number(), ok: z.literal(false), code: z.string().max(64), message: z.string().max(1024) }).strict(),
]);
const recordSchema = z
  .object({
    v: z.literal(1),
    ref: z.string().regex(KEY_REF_PATTERN),
    purpose: z.enum(['credential', 'device-identity']),
    createdAt: z.string(),
    publicJwk: z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string() }).strict(),
    hardware: z.enum(['secure-enclave', 'windows-pcp']),
  })
  .strict();

export class HelperKeyStore implements KeyStore {
  readonly protection = 'tpm' as const;
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, (r: z.infer<typeof reply>) => void>();
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly helperPath: string,
    private readonly hardware: 'secure-enclave' | 'windows-pcp',
    private readonly now: () => Date = () => new Date(),
  ) {
    this.dir = join(dataDir, 'keys');
  }

  async create(options: { purpose: KeyPurpose }): Promise<KeyInfo> {
    const ref = toBase64url(crypto.getRandomValues(new Uint8Array(16)));
    const r = await this.call({ op: 'create', label: ref });
    const record = {
      v: 1 as const,
      ref,
      purpose: options.purpose,
      createdAt: this.now().toISOString(),
      publicJwk: { kty: 'EC' as const, crv: 'P-256' as const, x: r.x as string, y: r.y as string },
      hardware: this.hardware,
    };
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await atomicWriteFile(join(this.dir, `${ref}.hwkey`), JSON.stringify(record), { mode: 0o600 });
    return { ref, purpose: record.purpose, createdAt: record.createdAt, publicJwk: record.publicJwk };
  }

  async sign(ref: string, data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    await this.load(ref);
    const r = await this.call({ op: 'sign', label: ref, data: toBase64url(data) });
    return fromBase64url(r.signature as string);
  }

  async publicKey(ref: string): Promise<JsonWebKey> {
    return (await this.load(ref)).publicJwk;
  }

  async delete(ref: string): Promise<void> {
    if (!KEY_REF_PATTERN.test(ref)) return;
    await this.call({ op: 'delete', label: ref }).catch(() => undefined);
    await rm(join(this.dir, `${ref}.hwkey`), { force: true });
  }

  async list(): Promise<KeyInfo[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: KeyInfo[] = [];
    for (const n of names.filter((x) => x.endsWith('.hwkey'))) {
      const r = await this.load(n.slice(0, -6));
      out.push({ ref: r.ref, purpose: r.purpose, createdAt: r.createdAt, publicJwk: r.publicJwk });
    }
    return out;
  }

  async close(): Promise<void> {
    this.child?.stdin?.end();
    this.child = undefined;
  }

  private async load(ref: string) {
    if (!KEY_REF_PATTERN.test(ref)) throw new KeyStoreError('ERR_KEY_NOT_FOUND', `No key ${ref} in the key store`);
    const path = join(this.dir, `${ref}.hwkey`);
    const raw = await readFile(path).catch(() => undefined);
    if (!raw)
      throw new KeyStoreError('ERR_KEY_NOT_FOUND', `No key ${ref} in the key store; register this device again`);
    return parseState(path, new Uint8Array(raw), recordSchema, 16 * 1024);
  }

  private call(request: Record<string, string>): Promise<z.infer<typeof reply> & { ok: true }> {
    const child = this.spawnHelper();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(
          new KeyStoreError('ERR_TPM_UNAVAILABLE', `The key helper ${this.helperPath} did not answer within 60 s`),
        );
      }, 60_000);
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        if (r.ok) resolve(r);
        else reject(new KeyStoreError('ERR_TPM_FAILED', `The platform key store refused ${request.op}: ${r.message}`));
      });
      child.stdin?.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  }

  private spawnHelper(): ChildProcess {
    if (this.child && this.child.exitCode === null) return this.child;
    const child = spawn(this.helperPath, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.on('error', () => this.failAll(`The key helper ${this.helperPath} could not be started`));
    child.on('exit', () => this.failAll(`The key helper ${this.helperPath} exited`));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let parsed: z.infer<typeof reply> | undefined;
      try {
        const r = reply.safeParse(JSON.parse(line));
        parsed = r.success ? r.data : undefined;
      } catch {
        parsed = undefined;
      }
      if (parsed) this.waiting.get(parsed.id)?.(parsed);
      if (parsed) this.waiting.delete(parsed.id);
    });
    this.child = child;
    return child;
  }

  private failAll(message: string): void {
    for (const [id, done] of this.waiting) done({ id, ok: false, code: 'ERR_TPM_UNAVAILABLE', message });
    this.waiting.clear();
    this.child = undefined;
  }
}

/**
 * The platform's hardware key store: the Secure Enclave helper on macOS, the Platform Crypto
 * Provider helper on Windows; refused elsewhere (Linux uses the TPM key store directly).
 * COMPAT(untested: macOS, Windows).
 */
export function openPlatformKeyStore(args: {
  dataDir: string;
  helperDir: string;
  platform?: NodeJS.Platform;
}): HelperKeyStore {
  const platform = args.platform ?? process.platform;
  if (platform === 'darwin') {
    return new HelperKeyStore(args.dataDir, join(args.helperDir, 'keybound-secure-enclave'), 'secure-enclave');
  }
  if (platform === 'win32') {
    return new HelperKeyStore(args.dataDir, join(args.helperDir, 'keybound-platform-crypto.exe'), 'windows-pcp');
  }
  throw new KeyStoreError('ERR_TPM_UNAVAILABLE', `No platform key helper on ${platform}; use --key-store tpm or file`);
}
