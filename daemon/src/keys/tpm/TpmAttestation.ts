/**
 * What the device shows the portal so it can believe a key lives in this TPM (decision 0061):
 * - the EK certificate (NV index 0x01c00002, written by the TPM's manufacturer, or swtpm-localca);
 * - an attestation key (AK): a restricted P-256 signing key created under the SRK, so it only
 *   signs structures the TPM itself produced;
 * - `activate`: TPM2_ActivateCredential, which releases the portal's secret only when the AK is
 *   loaded in the TPM that holds the EK the portal encrypted to (MakeCredential);
 * - `certify`: TPM2_Certify — the AK's signature over the name of another key in this TPM, with
 *   `qualifyingData` (the WebAuthn attToBeSigned hash at registration).
 */
import { KeyStoreError } from '../../../../shared/errors.js';
import {
  ATTESTATION_KEY_ATTRIBUTES,
  EK_RSA_CERT_NV_INDEX,
  EK_RSA_PERSISTENT_HANDLE,
  TPM_RH_ENDORSEMENT,
} from '../../../../shared/tpm/constants.js';
import { TpmWriter } from '../../../../shared/tpm/TpmBuffer.js';
import { fromBase64url } from '../../../../shared/webauthn/base64url.js';
import { TpmResponseError } from './TpmClient.js';
import type { TpmKeyStore } from './TpmKeyStore.js';

/** The default RSA 2048 EK policy: PolicySecret(TPM_RH_ENDORSEMENT) (TCG EK Credential Profile). */
const EK_POLICY = Buffer.from('837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa', 'hex');

/** TCG EK Credential Profile template L-1 (RSA 2048), for TPMs whose EK is not persisted. */
function rsaEkTemplate(): Uint8Array {
  return new TpmWriter()
    .u16(0x0001)
    .u16(0x000b)
    .u32(0x000300b2)
    .sized(EK_POLICY)
    .u16(0x0006)
    .u16(128)
    .u16(0x0043)
    .u16(0x0010)
    .u16(2048)
    .u32(0)
    .sized(new Uint8Array(256))
    .toBytes();
}

export class TpmAttestation {
  constructor(private readonly store: TpmKeyStore) {}

  /** The EK certificate (DER) the manufacturer stored in the TPM. */
  async ekCertificate(): Promise<Uint8Array> {
    try {
      return await this.store.withTpm((c) => c.nvRead(EK_RSA_CERT_NV_INDEX));
    } catch (cause) {
      throw new KeyStoreError(
        'ERR_TPM_FAILED',
        'This TPM has no RSA EK certificate (NV index 0x01c00002), so the portal cannot verify it; ask IT whether this TPM model is supported',
        { cause },
      );
    }
  }

  /** Creates the attestation key (restricted, sign-only, fixedTPM) and returns its ref and public area. */
  async createAttestationKey(): Promise<{ ref: string; publicArea: Uint8Array }> {
    const info = await this.store.create({ purpose: 'attestation', attributes: ATTESTATION_KEY_ATTRIBUTES });
    return { ref: info.ref, publicArea: fromBase64url((await this.store.record(info.ref)).publicArea) };
  }

  async publicArea(ref: string): Promise<Uint8Array> {
    return fromBase64url((await this.store.record(ref)).publicArea);
  }

  /** TPM2_ActivateCredential against the EK: the portal's secret, if `akRef` is in the EK's TPM. */
  async activate(akRef: string, credentialBlob: Uint8Array, encryptedSecret: Uint8Array): Promise<Uint8Array> {
    return this.store.withLoaded(akRef, async (ak) =>
      this.store.withTpmHeld(async (c) => {
        let ek = EK_RSA_PERSISTENT_HANDLE;
        let transient = false;
        try {
          await c.readPublic(ek);
        } catch (err) {
          if (!(err instanceof TpmResponseError)) throw err;
          ek = (await c.createPrimary(TPM_RH_ENDORSEMENT, rsaEkTemplate())).handle;
          transient = true;
        }
        try {
          return await c.activateCredential(ak, ek, credentialBlob, encryptedSecret);
        } finally {
          if (transient) await c.flush(ek);
        }
      }),
    );
  }

  /** TPM2_Certify of `ref` by the AK, bound to `qualifyingData`; returns what the portal checks. */
  async certify(
    ref: string,
    akRef: string,
    qualifyingData: Uint8Array,
  ): Promise<{ publicArea: Uint8Array; certifyInfo: Uint8Array; signature: Uint8Array }> {
    const publicArea = fromBase64url((await this.store.record(ref)).publicArea);
    const out = await this.store.withLoaded([ref, akRef], (key, ak) =>
      this.store.withTpmHeld((c) => c.certify(key as number, ak as number, qualifyingData)),
    );
    return { publicArea, ...out };
  }
}
