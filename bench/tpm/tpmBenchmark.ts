/**
 * Hardware keys (DESIGN.md "Performance targets", issue 10): TPM sign latency (p50/p99) through
 * the TPM key store over swtpm's socket — the daemon's path (the key kept loaded since its last
 * signature: TPM2_Sign only) and a cold signature (load blob → TPM2_Sign → flush) — beside the file store
 * and beside the published field figures for hardware TPMs (DBSC: 200 ms median, 600 ms p95 on
 * Windows), and the relay ratio with the TPM in the path: a sign-in through a daemon whose keys
 * are in the TPM, against the same floor as the relay benchmark (WebSocket echo + one software
 * P-256 signature) and against a floor whose signature is the TPM's.
 * swtpm is software: its figures show the cost of Keybound's path, not of a TPM chip.
 */

import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyStore } from '../../daemon/src/keys/FileKeyStore.js';
import { createMachineSealer } from '../../daemon/src/keys/MachineSealer.js';
import { openTpmKeyStore } from '../../daemon/src/keys/tpm/openTpmKeyStore.js';
import { startSwtpm, swtpmInstalled } from '../../dev/startSwtpm.js';
import { defaultCrypto } from '../../shared/crypto/index.js';
import { type BenchContext, type Benchmark, ms, type Verdict } from '../lib/Benchmark.js';
import { startBenchDaemon } from '../lib/benchDaemon.js';
import { pool, printTable, type Summary, timeSequential } from '../lib/stats.js';
import { measureFloor } from '../relay/measureFloor.js';

/** DBSC's published field figures for TPM signing on Windows (Chrome's DBSC origin trial). */
export const FIELD_TPM_SIGN = { p50: 200, p95: 600 } as const;
const FLOOR_ENVELOPE_BYTES = 34;

async function run(ctx: BenchContext): Promise<Verdict[]> {
  if (!swtpmInstalled()) {
    if (process.env.CI === 'true') throw new Error('swtpm is not installed (apt-get install swtpm swtpm-tools)');
    process.stdout.write('\nswtpm is not installed here: no TPM figures (apt-get install swtpm swtpm-tools).\n');
    return [{ label: 'TPM sign p50', value: 'n/a', target: 'report', met: undefined, note: 'swtpm not installed' }];
  }
  const n = ctx.quick ? 20 : 1000;
  const rounds = ctx.quick ? 1 : 5;
  const tpm = await startSwtpm();
  const dirs: string[] = [];
  const dir = async () => {
    const d = await mkdtemp(join(tmpdir(), 'kb-bench-tpm-'));
    dirs.push(d);
    return d;
  };
  try {
    const data = defaultCrypto.getRandomValues(new Uint8Array(69));
    ctx.progress('TPM and file store signing');
    const tpmStore = await openTpmKeyStore({ dataDir: await dir(), tpm: tpm.address });
    const tpmKey = await tpmStore.create({ purpose: 'credential' });
    const fileDir = await dir();
    const fileStore = new FileKeyStore(
      fileDir,
      await createMachineSealer({
        dataDir: fileDir,
        identity: { machineId: 'bench', uid: 0, username: 'bench' },
        crypto: defaultCrypto,
      }),
    );
    const fileKey = await fileStore.create({ purpose: 'credential' });
    const digest = createHash('sha256').update(data).digest();
    // withLoaded always loads and flushes: what every signature cost before keys were kept loaded.
    const coldSign = () =>
      tpmStore.withLoaded(tpmKey.ref, (handle) => tpmStore.withTpmHeld((client) => client.sign(handle, digest)));
    const tpmSign: Summary[] = [];
    const tpmCold: Summary[] = [];
    const fileSign: Summary[] = [];
    for (let r = 0; r < rounds; r++) {
      tpmSign.push(await timeSequential(() => tpmStore.sign(tpmKey.ref, data), Math.ceil(n / rounds), 5));
      tpmCold.push(await timeSequential(coldSign, Math.ceil(n / rounds), 5));
      fileSign.push(await timeSequential(() => fileStore.sign(fileKey.ref, data), Math.ceil(n / rounds), 5));
    }
    await tpmStore.close();
    const t = pool(tpmSign);
    const c = pool(tpmCold);
    const f = pool(fileSign);
    printTable(
      'Signing one sign-in (69 bytes) through each key store',
      ['key store', 'n', 'p50 ms', 'p99 ms', 'signatures/s'],
      [
        ['TPM, key kept loaded (swtpm socket: TPM2_Sign)', t.n, ms(t.p50), ms(t.p99), Math.round(t.throughput)],
        ['TPM, cold (load blob, TPM2_Sign, flush)', c.n, ms(c.p50), ms(c.p99), Math.round(c.throughput)],
        ['file (sealed key, node:crypto)', f.n, ms(f.p50), ms(f.p99), Math.round(f.throughput)],
        [
          'published: hardware TPMs in the field (DBSC, Windows)',
          '—',
          ms(FIELD_TPM_SIGN.p50),
          `${FIELD_TPM_SIGN.p95} (p95)`,
          '—',
        ],
      ],
    );

    ctx.progress('relay with the TPM in the path');
    const bench = await startBenchDaemon({ tpm: tpm.address });
    const relay: Summary[] = [];
    const floor: Summary[] = [];
    const echo: Summary[] = [];
    try {
      const per = ctx.quick ? 20 : 400;
      for (let r = 0; r < rounds; r++) {
        relay.push(await timeSequential(() => bench.signIn(), per, 5));
        const fl = await measureFloor(per, bench.sampleRequestBytes() - FLOOR_ENVELOPE_BYTES);
        floor.push(fl.floor);
        echo.push(fl.echo);
      }
    } finally {
      await bench.stop();
    }
    const rl = pool(relay);
    const fl = pool(floor);
    const ec = pool(echo);
    const tpmFloorP50 = ec.p50 + t.p50;
    const tpmFloorP99 = ec.p99 + t.p99;
    printTable(
      'Relay with the TPM in the path: sign-in through a daemon with --key-store tpm',
      ['path', 'n', 'p50 ms', 'p99 ms'],
      [
        ['sign-in through the daemon (TPM key store)', rl.n, ms(rl.p50), ms(rl.p99)],
        ['floor: WebSocket echo + software P-256 sign', fl.n, ms(fl.p50), ms(fl.p99)],
        ['TPM floor: WebSocket echo + TPM sign (sum of p50s / p99s)', '—', ms(tpmFloorP50), ms(tpmFloorP99)],
      ],
    );
    const ratioP50 = rl.p50 / fl.p50;
    const ratioTpmP50 = rl.p50 / tpmFloorP50;
    printTable(
      'Relay ratio with the TPM in the path',
      ['against', 'p50', 'p99'],
      [
        [
          'the software floor (relay target ≤ 1.3× is set against it)',
          `${ratioP50.toFixed(2)}×`,
          `${(rl.p99 / fl.p99).toFixed(2)}×`,
        ],
        [
          'the TPM floor (the daemon’s own overhead around the TPM)',
          `${ratioTpmP50.toFixed(2)}×`,
          `${(rl.p99 / tpmFloorP99).toFixed(2)}×`,
        ],
      ],
    );
    return [
      {
        label: 'TPM sign p50 (swtpm)',
        value: `${ms(t.p50)} ms`,
        target: `field figure ${FIELD_TPM_SIGN.p50} ms`,
        met: undefined,
      },
      {
        label: 'TPM sign p99 (swtpm)',
        value: `${ms(t.p99)} ms`,
        target: `field p95 ${FIELD_TPM_SIGN.p95} ms`,
        met: undefined,
      },
      {
        label: 'TPM cold sign p50 / p99 (swtpm: load, sign, flush)',
        value: `${ms(c.p50)} / ${ms(c.p99)} ms`,
        target: 'report',
        met: undefined,
      },
      {
        label: 'relay ratio p50 with the TPM, against the TPM floor',
        value: `${ratioTpmP50.toFixed(2)}×`,
        target: '≤ 1.3×',
        met: ratioTpmP50 <= 1.3,
      },
    ];
  } finally {
    await tpm.stop();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

export const tpmBenchmark: Benchmark = {
  name: 'tpm',
  title: 'Hardware keys: TPM signing and the relay with the TPM',
  run,
};
