/**
 * Measures P-256 signing and verifying through each crypto provider (Node's built-in WebCrypto
 * and @peculiar/webcrypto) on this machine, for docs/decisions/0001-crypto-provider.md.
 * Run: `node --import tsx bench/signing/measureSigning.ts [iterations]`. Not a test: figures
 * vary by machine; the decision record keeps the ones measured.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ES256, P256 } from '../../daemon/src/keys/KeyStore.js';
import { type CryptoProvider, nodeCrypto } from '../../shared/crypto/index.js';
import { peculiarCrypto } from '../../shared/crypto/peculiarCrypto.js';

const ROUNDS = 5;

async function opsPerSecond(n: number, op: () => Promise<unknown>): Promise<number> {
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    for (let i = 0; i < n; i++) await op();
    rates.push(n / ((performance.now() - start) / 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(ROUNDS / 2)] as number;
}

async function measure(provider: CryptoProvider, n: number) {
  const { subtle } = provider;
  const pair = (await subtle.generateKey(P256, false, ['sign', 'verify'])) as CryptoKeyPair;
  // What one sign-in signs: authenticatorData (37 bytes) ‖ SHA-256(clientDataJSON).
  const data = provider.getRandomValues(new Uint8Array(69));
  const signature = await subtle.sign(ES256, pair.privateKey, data);
  for (let i = 0; i < 200; i++) await subtle.sign(ES256, pair.privateKey, data); // warm-up
  const sign = await opsPerSecond(n, () => subtle.sign(ES256, pair.privateKey, data));
  const verify = await opsPerSecond(n, () => subtle.verify(ES256, pair.publicKey, signature, data));
  const generate = await opsPerSecond(Math.max(50, n / 10), () => subtle.generateKey(P256, false, ['sign']));
  return {
    provider: provider.name,
    sign: Math.round(sign),
    verify: Math.round(verify),
    generateKey: Math.round(generate),
  };
}

const n = Number(process.argv[2] ?? 2000);
console.log(
  `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${n} ops × ${ROUNDS} rounds (median, ops/s)`,
);
for (const provider of [nodeCrypto, peculiarCrypto]) console.log(JSON.stringify(await measure(provider, n)));
