/**
 * The TPM half of `npm run demo -- --key-store tpm` and of the TPM end-to-end test: a private
 * swtpm (dev/startSwtpm.ts) manufactured with an EK certificate from the machine's swtpm-localca,
 * and the PEM bundle of that CA's root and issuer the portal needs to trust it (`--tpm-roots`).
 * `stop()` stops the swtpm by its PID and removes its state.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SWTPM_LOCALCA_DIR, startSwtpm, swtpmInstalled } from './startSwtpm.js';

export interface DemoTpm {
  /** `swtpm:127.0.0.1:PORT`, for the daemon's `--tpm`. */
  address: string;
  /** The portal's `--tpm-roots` bundle (swtpm-localca's root and issuer certificates). */
  rootsFile: string;
  stop(): Promise<void>;
}

/** Writes swtpm-localca's root and issuer certificates to `file` (a `--tpm-roots` bundle). */
export async function writeSwtpmRoots(file: string): Promise<string> {
  const names = ['swtpm-localca-rootca-cert.pem', 'issuercert.pem'];
  const pems = await Promise.all(
    names.map((name) =>
      readFile(join(SWTPM_LOCALCA_DIR, name), 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new Error(
          `Cannot read swtpm-localca's ${name} in ${SWTPM_LOCALCA_DIR} (${err.code}): the portal must trust the CA that signs swtpm's EK certificates; run as a user who can read it (root or the tss group)`,
        );
      }),
    ),
  );
  await writeFile(file, pems.join('\n'), { mode: 0o644 });
  return file;
}

/** Starts the swtpm and writes the roots bundle into `dir`. */
export async function startDemoTpm(dir: string): Promise<DemoTpm> {
  if (!swtpmInstalled()) {
    throw new Error('--key-store tpm needs swtpm and swtpm_setup (Debian: apt-get install swtpm swtpm-tools)');
  }
  const swtpm = await startSwtpm();
  try {
    // swtpm_setup has created the local CA by now (on a fresh machine, at the first manufacture).
    const rootsFile = await writeSwtpmRoots(join(dir, 'tpm-roots.pem'));
    return { address: swtpm.address, rootsFile, stop: () => swtpm.stop() };
  } catch (err) {
    await swtpm.stop();
    throw err;
  }
}
