import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeployError } from '../../../shared/errors.js';
import { extensionIdFromSpki } from './extensionIdFromSpki.js';
import { packExtension } from './packExtension.js';

/** Length-delimited and varint fields of one protobuf message, by field number. */
function protoFields(buf: Buffer): Map<number, Buffer[]> {
  const fields = new Map<number, Buffer[]>();
  let at = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = buf[at++] ?? 0;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) return value;
    }
  };
  while (at < buf.length) {
    const tag = varint();
    const wire = tag & 7;
    const field = Math.floor(tag / 8);
    if (wire !== 2) throw new Error(`unexpected wire type ${wire}`);
    const length = varint();
    fields.set(field, [...(fields.get(field) ?? []), buf.subarray(at, at + length)]);
    at += length;
  }
  return fields;
}

/** One file's content from a ZIP archive, through its central directory. */
function zipEntry(zip: Buffer, name: string): Buffer | undefined {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < zip.readUInt16LE(eocd + 10); i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const entryName = zip.subarray(at + 46, at + 46 + nameLength).toString();
    const local = zip.readUInt32LE(at + 42);
    if (entryName === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      return method === 8 ? inflateRawSync(data) : data;
    }
    at += 46 + skip;
  }
  return undefined;
}

describe('packExtension', () => {
  let dir: string;
  let extensionDir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keybound-pack-test-'));
    extensionDir = join(dir, 'built');
    await mkdir(join(extensionDir, 'src'), { recursive: true });
    const manifest = {
      manifest_version: 3,
      name: 'Keybound',
      version: '1.2.3',
      minimum_chrome_version: '116',
      key: 'x',
    };
    await writeFile(join(extensionDir, 'manifest.json'), JSON.stringify(manifest));
    await writeFile(join(extensionDir, 'src', 'worker.js'), 'console.log("hi")');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const pack = (extra: { newKey?: boolean; baseUrl?: string } = {}) =>
    packExtension({
      extensionDir,
      keyFile: join(dir, 'key.pem'),
      outDir: join(dir, 'out'),
      baseUrl: extra.baseUrl ?? 'https://portal.example.com/extension/',
      newKey: extra.newKey ?? true,
    });

  it('should write a CRX3 signed by the key, whose id and manifest key are the key’s', async () => {
    const result = await pack();
    const pem = await readFile(join(dir, 'key.pem'), 'utf8');
    const spki = createPublicKey(pem).export({ type: 'spki', format: 'der' });
    expect(result.extensionId).toBe(extensionIdFromSpki(spki));
    expect(result.keyCreated).toBe(true);
    expect((await stat(join(dir, 'key.pem'))).mode & 0o777).toBe(0o600);

    const crx = await readFile(result.crxPath);
    expect(crx.subarray(0, 4).toString()).toBe('Cr24');
    expect(crx.readUInt32LE(4)).toBe(3);
    const headerSize = crx.readUInt32LE(8);
    const header = protoFields(crx.subarray(12, 12 + headerSize));
    const archive = crx.subarray(12 + headerSize);
    const signedHeaderData = header.get(10000)?.[0] as Buffer;
    const crxId = protoFields(signedHeaderData).get(1)?.[0];
    expect(crxId?.equals(createHash('sha256').update(spki).digest().subarray(0, 16))).toBe(true);
    const proof = protoFields(header.get(2)?.[0] as Buffer);
    expect(proof.get(1)?.[0]?.equals(spki)).toBe(true);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(signedHeaderData.length);
    const signed = Buffer.concat([Buffer.from('CRX3 SignedData\0'), size, signedHeaderData, archive]);
    const publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    expect(verify('sha256', signed, publicKey, proof.get(2)?.[0] as Buffer)).toBe(true);
    // A flipped byte in the archive breaks the signature (the check above can fail).
    const tampered = Buffer.from(signed);
    tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 1;
    expect(verify('sha256', tampered, publicKey, proof.get(2)?.[0] as Buffer)).toBe(false);

    const manifest = JSON.parse(zipEntry(archive, 'manifest.json')?.toString() ?? '{}');
    expect(manifest.key).toBe(spki.toString('base64'));
    expect(manifest.update_url).toBe('https://portal.example.com/extension/updates.xml');
    expect(zipEntry(archive, 'src/worker.js')?.toString()).toBe('console.log("hi")');
  });

  it('should write updates.xml naming the id, version and CRX URL', async () => {
    const result = await pack();
    const xml = await readFile(result.updateManifestPath, 'utf8');
    expect(xml).toContain(`<app appid="${result.extensionId}">`);
    expect(xml).toContain(
      'codebase="https://portal.example.com/extension/keybound.crx" version="1.2.3" prodversionmin="116"',
    );
  });

  it('should keep the same id when packing again with the same key', async () => {
    const first = await pack();
    const second = await pack({ newKey: false });
    expect(second.extensionId).toBe(first.extensionId);
    expect(second.keyCreated).toBe(false);
  });

  it('should reject when the key file is missing and --new-key is not given', async () => {
    await expect(pack({ newKey: false })).rejects.toMatchObject({ code: 'ERR_SIGNING_KEY_INVALID' });
  });

  it('should reject when the key is not RSA', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await writeFile(join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expect(pack({ newKey: false })).rejects.toThrow(/Unexpected key type "ec"/);
  });

  it('should reject when the key file holds no key, and leave it as it was', async () => {
    await writeFile(join(dir, 'key.pem'), 'not a key');
    await expect(pack()).rejects.toBeInstanceOf(DeployError);
    expect(await readFile(join(dir, 'key.pem'), 'utf8')).toBe('not a key');
  });

  it('should reject when the base URL is not http(s) or carries a query', async () => {
    await expect(pack({ baseUrl: 'file:///tmp/x' })).rejects.toMatchObject({ code: 'ERR_BAD_URL' });
    await expect(pack({ baseUrl: 'https://p.example/x?a="b"' })).rejects.toMatchObject({ code: 'ERR_BAD_URL' });
  });

  it('should reject when the folder holds no built extension', async () => {
    await rm(join(extensionDir, 'manifest.json'));
    await expect(pack()).rejects.toMatchObject({ code: 'ERR_EXTENSION_BUILD_MISSING' });
  });
});
