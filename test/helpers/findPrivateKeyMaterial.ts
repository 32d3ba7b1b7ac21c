/**
 * An attack on a data dir: tries every 32-byte window of every file (raw, and every long
 * base64/base64url token decoded) as a P-256 private scalar and reports the files whose window
 * yields one of `publicJwks`. A key store that keeps private keys out of the data dir returns [].
 * Also returns how many candidate scalars were tried, so a test can show the scan really ran.
 */
import { createECDH } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function findPrivateKeyMaterial(
  dir: string,
  publicJwks: JsonWebKey[],
): Promise<{ found: string[]; tried: number; files: number }> {
  const targets = new Set(
    publicJwks.map((j) =>
      Buffer.concat([
        Buffer.from([4]),
        Buffer.from(j.x as string, 'base64url'),
        Buffer.from(j.y as string, 'base64url'),
      ]).toString('hex'),
    ),
  );
  const ecdh = createECDH('prime256v1');
  const found: string[] = [];
  let tried = 0;
  let files = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const raw = await readFile(path);
    files++;
    const text = raw.toString('latin1');
    const tokens = text.match(/[A-Za-z0-9+/_-]{40,}={0,2}/g) ?? [];
    const blobs = [raw, ...tokens.map((t) => Buffer.from(t, /[+/]/.test(t) ? 'base64' : 'base64url'))];
    outer: for (const blob of blobs) {
      for (let i = 0; i + 32 <= blob.byteLength; i++) {
        try {
          ecdh.setPrivateKey(blob.subarray(i, i + 32));
        } catch {
          continue;
        }
        tried++;
        if (targets.has(ecdh.getPublicKey('hex'))) {
          found.push(path);
          break outer;
        }
      }
    }
  }
  return { found, tried, files };
}
