/**
 * TPM2_MakeCredential, done by the portal in software for an RSA EK (TPM 2.0 Library Part 1,
 * §24 "Credential Protection"): a random seed is RSA-OAEP(SHA-256, label "IDENTITY")-encrypted
 * to the EK; from the seed, KDFa derives an AES-128-CFB key (bound to the AK's name) that encrypts
 * the secret, and an HMAC key that protects it. Only the TPM holding that EK can recover the seed,
 * and it releases the secret only to the object whose name is `akName` (ActivateCredential).
 */
import { constants, createCipheriv, createHmac, type KeyObject, publicEncrypt, randomBytes } from 'node:crypto';

export function makeCredential(args: { ekPublicKey: KeyObject; akName: Uint8Array; secret: Uint8Array }): {
  credentialBlob: Uint8Array;
  encryptedSecret: Uint8Array;
} {
  const seed = randomBytes(32);
  const encryptedSecret = publicEncrypt(
    {
      key: args.ekPublicKey,
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
      oaepLabel: Buffer.from('IDENTITY\0'),
    },
    seed,
  );
  const symKey = kdfa(seed, 'STORAGE', args.akName, new Uint8Array(0), 128);
  const cipher = createCipheriv('aes-128-cfb', symKey, Buffer.alloc(16));
  const credential = Buffer.concat([u16(args.secret.byteLength), Buffer.from(args.secret)]);
  const encIdentity = Buffer.concat([cipher.update(credential), cipher.final()]);
  const hmacKey = kdfa(seed, 'INTEGRITY', new Uint8Array(0), new Uint8Array(0), 256);
  const integrity = createHmac('sha256', hmacKey).update(encIdentity).update(args.akName).digest();
  const idObject = Buffer.concat([u16(integrity.byteLength), integrity, encIdentity]);
  return { credentialBlob: new Uint8Array(idObject), encryptedSecret: new Uint8Array(encryptedSecret) };
}

/** KDFa with HMAC-SHA-256 (Part 1, §11.4.10.2); `label` gets its terminating zero byte. */
function kdfa(key: Uint8Array, label: string, contextU: Uint8Array, contextV: Uint8Array, bits: number): Buffer {
  const out: Buffer[] = [];
  for (let i = 1, got = 0; got < bits / 8; i++) {
    const block = createHmac('sha256', key)
      .update(u32(i))
      .update(Buffer.from(`${label}\0`))
      .update(contextU)
      .update(contextV)
      .update(u32(bits))
      .digest();
    out.push(block);
    got += block.byteLength;
  }
  return Buffer.concat(out).subarray(0, bits / 8);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
