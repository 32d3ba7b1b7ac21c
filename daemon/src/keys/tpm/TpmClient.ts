/**
 * A small typed TPM 2.0 client: the dozen commands Keybound needs, marshalled by hand from the
 * TCG Library spec (Part 3), over any TpmTransport. Commands run one at a time (a queue), as a
 * TPM without a resource manager requires. Every response code other than success is a
 * TpmResponseError carrying the TPM's `rc`, so callers can say why (another TPM's key blob fails
 * with an integrity error, a full TPM with an object-memory warning). Password sessions only:
 * Keybound's keys have empty auth values; the EK needs a PolicySecret(endorsement) session.
 */
import { KeyStoreError } from '../../../../shared/errors.js';
import {
  TPM_ALG_ECDSA,
  TPM_ALG_NULL,
  TPM_ALG_SHA256,
  TPM_CAP_HANDLES,
  TPM_CC,
  TPM_RH_ENDORSEMENT,
  TPM_RH_NULL,
  TPM_RS_PW,
  TPM_SE_POLICY,
  TPM_ST_HASHCHECK,
  TPM_ST_NO_SESSIONS,
  TPM_ST_SESSIONS,
  TRANSIENT_FIRST,
} from '../../../../shared/tpm/constants.js';
import { TpmReader, TpmWriter } from '../../../../shared/tpm/TpmBuffer.js';
import type { TpmTransport } from './TpmTransport.js';

/** A TPM answered with a response code other than success. */
export class TpmResponseError extends KeyStoreError {
  constructor(
    readonly rc: number,
    command: string,
  ) {
    super('ERR_TPM_FAILED', `The TPM refused ${command} (${describeRc(rc)})`);
  }
  /** The base code of a format-1 error (handle/parameter/session number stripped). */
  get baseRc(): number {
    return this.rc & 0x80 ? (this.rc & 0x3f) | 0x80 : this.rc;
  }
}

export const RC_INTEGRITY = 0x09f;
export const RC_HANDLE = 0x08b;
export const RC_OBJECT_MEMORY = 0x902;
const RETRY_RCS = new Set([0x922 /* RETRY */, 0x908 /* YIELDED */, 0x90a /* TESTING */]);

function describeRc(rc: number): string {
  const base = rc & 0x80 ? (rc & 0x3f) | 0x80 : rc;
  const names: Record<number, string> = {
    [RC_INTEGRITY]: 'integrity check failed',
    [RC_HANDLE]: 'unknown handle',
    [RC_OBJECT_MEMORY]: 'out of object memory',
    256: 'not initialised',
    2446: 'authorisation failed',
    2337: 'in dictionary-attack lockout',
  };
  return `rc 0x${rc.toString(16)}${names[base] ? `: ${names[base]}` : ''}`;
}

type Auth = { session: number };
const PASSWORD: Auth = { session: TPM_RS_PW };

export class TpmClient {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly transport: TpmTransport) {}

  /** Runs `fn` with exclusive use of the TPM (several commands that must not interleave). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async createPrimary(hierarchy: number, template: Uint8Array): Promise<{ handle: number; publicArea: Uint8Array }> {
    const params = new TpmWriter().sized(sensitiveCreate()).sized(template).sized(new Uint8Array(0)).u32(0).toBytes();
    const r = await this.call('CreatePrimary', [hierarchy], [PASSWORD], params, 1);
    return { handle: r.handles[0] as number, publicArea: r.params.sized() };
  }

  async create(parent: number, template: Uint8Array): Promise<{ privateBlob: Uint8Array; publicArea: Uint8Array }> {
    const params = new TpmWriter().sized(sensitiveCreate()).sized(template).sized(new Uint8Array(0)).u32(0).toBytes();
    const r = await this.call('Create', [parent], [PASSWORD], params, 0);
    const privateBlob = r.params.sized();
    return { privateBlob, publicArea: r.params.sized() };
  }

  async load(parent: number, privateBlob: Uint8Array, publicArea: Uint8Array): Promise<number> {
    const params = new TpmWriter().sized(privateBlob).sized(publicArea).toBytes();
    return (await this.call('Load', [parent], [PASSWORD], params, 1)).handles[0] as number;
  }

  /** ECDSA-SHA256 over a SHA-256 digest (the key's scheme is NULL: named here); returns raw r‖s (64 bytes). */
  async sign(key: number, digest: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    const params = new TpmWriter()
      .sized(digest)
      .u16(TPM_ALG_ECDSA)
      .u16(TPM_ALG_SHA256)
      .u16(TPM_ST_HASHCHECK)
      .u32(TPM_RH_NULL)
      .sized(new Uint8Array(0))
      .toBytes();
    const r = await this.call('Sign', [key], [PASSWORD], params, 0);
    return readEcdsaSignature(r.params);
  }

  /** TPM2_Certify: `signer` (a restricted AK) signs a TPMS_ATTEST naming `object`, bound to `qualifyingData`. */
  async certify(
    object: number,
    signer: number,
    qualifyingData: Uint8Array,
  ): Promise<{ certifyInfo: Uint8Array; signature: Uint8Array<ArrayBuffer> }> {
    const params = new TpmWriter().sized(qualifyingData).u16(TPM_ALG_NULL).toBytes();
    const r = await this.call('Certify', [object, signer], [PASSWORD, PASSWORD], params, 0);
    const certifyInfo = r.params.sized();
    return { certifyInfo, signature: readEcdsaSignature(r.params) };
  }

  async readPublic(handle: number): Promise<{ publicArea: Uint8Array; name: Uint8Array }> {
    const r = await this.call('ReadPublic', [handle], null, new Uint8Array(0), 0);
    const publicArea = r.params.sized();
    return { publicArea, name: r.params.sized() };
  }

  async flush(handle: number): Promise<void> {
    await this.call('FlushContext', [], null, new TpmWriter().u32(handle).toBytes(), 0);
  }

  /** Handles of loaded transient objects (swtpm keeps them across client connections). */
  async transientHandles(): Promise<number[]> {
    const params = new TpmWriter().u32(TPM_CAP_HANDLES).u32(TRANSIENT_FIRST).u32(64).toBytes();
    const r = await this.call('GetCapability', [], null, params, 0);
    r.params.u8(); // moreData
    r.params.u32(); // capability
    const count = r.params.u32();
    return Array.from({ length: count }, () => r.params.u32());
  }

  /** Reads an NV index whole (e.g. the EK certificate), in chunks the TPM accepts. */
  async nvRead(index: number): Promise<Uint8Array<ArrayBuffer>> {
    const pub = await this.call('NV_ReadPublic', [index], null, new Uint8Array(0), 0);
    const nv = new TpmReader(pub.params.sized(), 'NV public area');
    nv.u32();
    nv.u16();
    nv.u32();
    nv.sized();
    const size = nv.u16();
    const out = new Uint8Array(size);
    for (let offset = 0; offset < size; ) {
      const n = Math.min(768, size - offset);
      const r = await this.call('NV_Read', [index, index], [PASSWORD], new TpmWriter().u16(n).u16(offset).toBytes(), 0);
      const chunk = r.params.sized();
      out.set(chunk, offset);
      offset += chunk.byteLength;
      if (chunk.byteLength === 0) break;
    }
    return out;
  }

  /**
   * TPM2_ActivateCredential with the EK (policy: PolicySecret of the endorsement hierarchy, the
   * default EK policy): the TPM releases the portal's secret only if `ak` is loaded in the same
   * TPM as the EK and its name is the one the portal encrypted the credential to.
   */
  async activateCredential(
    ak: number,
    ek: number,
    credentialBlob: Uint8Array,
    secret: Uint8Array,
  ): Promise<Uint8Array> {
    const start = new TpmWriter()
      .sized(new Uint8Array(16).fill(7)) // nonceCaller: freshness is not needed for a one-shot session
      .sized(new Uint8Array(0))
      .u8(TPM_SE_POLICY)
      .u16(TPM_ALG_NULL)
      .u16(TPM_ALG_SHA256)
      .toBytes();
    const session = (await this.call('StartAuthSession', [TPM_RH_NULL, TPM_RH_NULL], null, start, 1))
      .handles[0] as number;
    try {
      const policy = new TpmWriter()
        .sized(new Uint8Array(0))
        .sized(new Uint8Array(0))
        .sized(new Uint8Array(0))
        .u32(0)
        .toBytes();
      await this.call('PolicySecret', [TPM_RH_ENDORSEMENT, session], [PASSWORD], policy, 0);
      const params = new TpmWriter().sized(credentialBlob).sized(secret).toBytes();
      const r = await this.call('ActivateCredential', [ak, ek], [PASSWORD, { session }], params, 0);
      return r.params.sized();
    } finally {
      // Flushed by the TPM after a successful use (continueSession clear); flush it on failure too.
      await this.flush(session).catch(() => undefined);
    }
  }

  private call(
    name: keyof typeof TPM_CC,
    handles: number[],
    auths: Auth[] | null,
    params: Uint8Array,
    responseHandles: number,
  ): Promise<{ handles: number[]; params: TpmReader }> {
    return this.exclusiveSend(async () => {
      const body = new TpmWriter();
      for (const h of handles) body.u32(h);
      if (auths) {
        const area = new TpmWriter();
        for (const a of auths) area.u32(a.session).sized(new Uint8Array(0)).u8(0).sized(new Uint8Array(0));
        const bytes = area.toBytes();
        body.u32(bytes.byteLength).bytes(bytes);
      }
      body.bytes(params);
      const b = body.toBytes();
      const cmd = new TpmWriter()
        .u16(auths ? TPM_ST_SESSIONS : TPM_ST_NO_SESSIONS)
        .u32(10 + b.byteLength)
        .u32(TPM_CC[name])
        .bytes(b)
        .toBytes();
      for (let attempt = 0; ; attempt++) {
        const res = new TpmReader(await this.transport.send(cmd), `TPM response to ${name}`);
        const tag = res.u16();
        res.u32();
        const rc = res.u32();
        if (rc !== 0) {
          if (RETRY_RCS.has(rc) && attempt < 20) {
            await new Promise((r) => setTimeout(r, 20));
            continue;
          }
          throw new TpmResponseError(rc, name);
        }
        const outHandles = Array.from({ length: responseHandles }, () => res.u32());
        if (tag === TPM_ST_SESSIONS) {
          const size = res.u32();
          return { handles: outHandles, params: new TpmReader(res.bytes(size), `TPM ${name} parameters`) };
        }
        return { handles: outHandles, params: res };
      }
    });
  }

  /** Single transport use at a time; nested exclusive() callers already hold the TPM. */
  private sending: Promise<unknown> = Promise.resolve();
  private exclusiveSend<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.sending.then(fn, fn);
    this.sending = run.catch(() => undefined);
    return run;
  }
}

function sensitiveCreate(): Uint8Array {
  // TPMS_SENSITIVE_CREATE: empty userAuth, empty data.
  return new TpmWriter().sized(new Uint8Array(0)).sized(new Uint8Array(0)).toBytes();
}

function readEcdsaSignature(r: TpmReader): Uint8Array<ArrayBuffer> {
  r.u16(); // sigAlg (ECDSA)
  r.u16(); // hash
  const out = new Uint8Array(64);
  const rr = r.sized();
  const s = r.sized();
  if (rr.byteLength > 32 || s.byteLength > 32)
    throw new KeyStoreError('ERR_TPM_FAILED', 'The TPM returned an ECDSA signature larger than P-256');
  out.set(rr, 32 - rr.byteLength);
  out.set(s, 64 - s.byteLength);
  return out;
}
