/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`) by where the time goes: self time per
 * function and per bucket (our code by folder, zod, pino, ws, SQLite, WebCrypto, idle/GC), so a
 * missed target can be attributed with figures instead of guesses.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/run.ts --only relay
 *   node --import tsx bench/profile/summarizeCpuProfile.ts /tmp/prof/*.cpuprofile
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The bucket a stack frame's self time is charged to. */
export function bucketOf(url: string, fn: string): string {
  if (fn === '(idle)') return 'idle (waiting: I/O, thread pool)';
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)') return 'V8/native (program)';
  const rules: [RegExp, string][] = [
    [/node_modules\/zod\//, 'zod'],
    [/node_modules\/(pino|sonic-boom|fast-redact|pino-std-serializers)/, 'pino (logging)'],
    [/node_modules\/ws\//, 'ws'],
    [/node_modules\/better-sqlite3\//, 'better-sqlite3'],
    [/node_modules\/(tsx|esbuild)\//, 'tsx loader'],
    [
      /node_modules\/(express|router|body-parser|raw-body|send|serve-static|finalhandler|on-finished|iconv-lite|qs|type-is|content-type|accepts|negotiator|mime-types|cookie|statuses|depd|encodeurl|parseurl|path-to-regexp)\//,
      'express (router, body parsing, send)',
    ],
    [/node_modules\/@simplewebauthn\//, '@simplewebauthn/server'],
    [/node_modules\/(oidc-provider|koa|@koa|jose)\//, 'oidc-provider, koa, jose'],
    [/node_modules\/(pg|pg-pool|pg-protocol|pg-types)\//, 'pg (node-postgres)'],
    [/node_modules\//, 'other packages'],
    [/\/daemon\/src\/([^/]+)\//, 'daemon/$1'],
    [/\/portal\/src\/([^/]+)\//, 'portal/$1'],
    [/\/shared\/([^/]+)\//, 'shared/$1'],
    [/\/dev\//, 'benchmark client (dev/)'],
    [/\/bench\//, 'bench'],
    [/^node:/, 'node core'],
  ];
  for (const [re, name] of rules) {
    const m = re.exec(url);
    if (m) return name.replace('$1', m[1] ?? '');
  }
  return url === '' ? `native: ${fn || '(anonymous)'}` : 'other';
}

/** Buckets that are not code of their own: their time is charged to the JavaScript that called them. */
const LEAF_BUCKETS = /^(node core|native: |V8\/native|GC$)/;

/**
 * Self time (ms) per bucket and per function, largest first; and `byCaller`: the same time with
 * node core and native frames (socket writes, WebCrypto jobs, hashing, GC) charged to the nearest
 * package or folder of ours up the stack — so "node core 31 %" becomes "express 20 %, SimpleWebAuthn 9 %".
 */
export function summarizeCpuProfile(profile: CpuProfile): {
  totalMs: number;
  buckets: [string, number][];
  byCaller: [string, number][];
  functions: [string, number][];
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const callerBucket = (id: number): string => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parentOf.get(cur)) {
      const f = byId.get(cur)?.callFrame;
      if (!f) break;
      const b = bucketOf(f.url, f.functionName);
      if (!LEAF_BUCKETS.test(b)) return b;
    }
    const f = byId.get(id)?.callFrame;
    return f ? bucketOf(f.url, f.functionName) : 'other';
  };
  const byCaller = new Map<string, number>();
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    totalMs += ms;
    const b = bucketOf(url, functionName);
    buckets.set(b, (buckets.get(b) ?? 0) + ms);
    const c = b.startsWith('idle') ? b : callerBucket(id);
    byCaller.set(c, (byCaller.get(c) ?? 0) + ms);
    const f = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|work\/main)\//, '')}:${lineNumber + 1}`;
    functions.set(f, (functions.get(f) ?? 0) + ms);
  });
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { totalMs, buckets: sorted(buckets), byCaller: sorted(byCaller), functions: sorted(functions) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const file of process.argv.slice(2)) {
    const s = summarizeCpuProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
    const pct = (ms: number) => `${((100 * ms) / s.totalMs).toFixed(1)}%`;
    process.stdout.write(`\n${file}: ${s.totalMs.toFixed(0)} ms sampled\n\nby bucket:\n`);
    for (const [b, ms] of s.buckets.slice(0, 20))
      process.stdout.write(`  ${pct(ms).padStart(6)}  ${ms.toFixed(0).padStart(6)} ms  ${b}\n`);
    process.stdout.write('\nby caller (node core and native time charged to the code that called it):\n');
    for (const [b, ms] of s.byCaller.slice(0, 20))
      process.stdout.write(`  ${pct(ms).padStart(6)}  ${ms.toFixed(0).padStart(6)} ms  ${b}\n`);
    process.stdout.write('\ntop functions (self time):\n');
    for (const [f, ms] of s.functions.slice(0, 30))
      process.stdout.write(`  ${pct(ms).padStart(6)}  ${ms.toFixed(0).padStart(6)} ms  ${f}\n`);
  }
}
