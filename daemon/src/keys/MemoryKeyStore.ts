/** An in-memory KeyStore for tests and benchmarks: same behaviour as the file store, nothing on disk. */
import { type CryptoProvider, defaultCrypto } from '../../../shared/crypto/index.js';
import { KeyStoreError } from '../../../shared/errors.js';
import { toBase64url } from '../../../shared/webauthn/base64url.js';
import { ES256, type KeyInfo, type KeyPurpose, type KeyStore, P256, publicJwkOf } from './KeyStore.js';

export class MemoryKeyStore implements KeyStore {
  readonly protection = 'software' as const;
  private readonly keys = new Map<string, { info: KeyInfo; privateKey: CryptoKey }>();

  constructor(
    private readonly crypto: CryptoProvider = defaultCrypto,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(options: { purpose: KeyPurpose }): Promise<KeyInfo> {
    const pair = (await this.crypto.subtle.generateKey(P256, false, ['sign', 'verify'])) as CryptoKeyPair;
    const publicJwk = publicJwkOf(await this.crypto.subtle.exportKey('jwk', pair.publicKey));
    const ref = toBase64url(this.crypto.getRandomValues(new Uint8Array(16)));
    const info: KeyInfo = { ref, purpose: options.purpose, createdAt: this.now().toISOString(), publicJwk };
    this.keys.set(ref, { info, privateKey: pair.privateKey });
    return info;
  }

  async sign(ref: string, data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    const key = this.get(ref);
    return new Uint8Array(await this.crypto.subtle.sign(ES256, key.privateKey, new Uint8Array(data)));
  }

  async publicKey(ref: string): Promise<JsonWebKey> {
    return this.get(ref).info.publicJwk;
  }

  async delete(ref: string): Promise<void> {
    this.keys.delete(ref);
  }

  async list(): Promise<KeyInfo[]> {
    return [...this.keys.values()].map((k) => k.info);
  }

  private get(ref: string) {
    const key = this.keys.get(ref);
    if (!key)
      throw new KeyStoreError(
        'ERR_KEY_NOT_FOUND',
        `No key ${ref} in the key store; delete this device sign-in in Protect and register again from the portal`,
      );
    return key;
  }
}
