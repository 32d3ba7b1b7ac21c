/**
 * Pairing and the first sign-in after browser start (issue 8): what browser-vouched pairing
 * (native messaging + upgrade proof, decision 0040) costs against the WebSocket handshake it
 * replaced. Informational: no target; the figures and the before/after comparison are in
 * docs/performance.md. `--quick` runs the daemon part once each and skips the browser.
 */
import { type BenchContext, type Benchmark, ms, type Verdict } from '../lib/Benchmark.js';
import { buildNode } from '../lib/buildNode.js';
import { printTable, type Summary } from '../lib/stats.js';
import { measureFirstSignIn } from './measureFirstSignIn.js';
import { measurePairing } from './measurePairing.js';

const row = (label: string, s: Summary) => [label, s.n, ms(s.p50), ms(s.p99), ms(s.mean)];
const HEADER = ['path', 'n', 'p50 ms', 'p99 ms', 'mean ms'];

async function run(ctx: BenchContext): Promise<Verdict[]> {
  // The native host runs the installed CLI: measure the code in this tree.
  if (!ctx.quick) buildNode();
  ctx.progress('pairing: daemon-side pairing and reconnection');
  const p = await measurePairing(ctx.quick ? 1 : 20);
  printTable('Pairing a new install (daemon side; the browser adds its own cost of starting the host)', HEADER, [
    row('native messaging: host process start + `pair` + upgrade proof + hello (now)', p.nativeHost),
    row('of which the host process alone: start → first answer', p.hostStart),
    row('control socket `native.pair` + upgrade proof + hello (now, without the host process)', p.controlSocket),
    row('WebSocket hello → pair → paired (before; now the Protect-prompt fallback)', p.webSocket),
  ]);
  printTable('A paired install connecting again (what a browser start or a woken worker does)', HEADER, [
    row('upgrade proof + hello (now)', p.reconnectProof),
    row('hello → auth on an open socket (before)', p.reconnectAuth),
  ]);
  const verdicts: Verdict[] = [
    {
      label: 'pairing through the native host, p50',
      value: `${ms(p.nativeHost.p50)} ms (WebSocket pairing before: ${ms(p.webSocket.p50)} ms)`,
      target: 'none (once per install)',
      met: undefined,
      ...(ctx.quick ? { note: 'quick mode: 1 sample' } : {}),
    },
  ];
  if (ctx.quick) {
    process.stdout.write('\nBrowser part skipped in quick mode.\n');
    return verdicts;
  }
  ctx.progress('pairing: first sign-in after browser start (headless Chromium)');
  const b = await measureFirstSignIn(10, ctx.progress);
  const browserRows = (label: string, f: Awaited<ReturnType<typeof measureFirstSignIn>>['restarted']) => [
    row(`${label}: launch → worker running`, f.launch),
    row(`${label}: launch → first signIn answered`, f.launchToSignedIn),
    row(`${label}: first signIn after start (page API round trip)`, f.firstSignIn),
    row(`${label}: next signIn`, f.nextSignIn),
  ];
  printTable('First sign-in after browser start (page API signIn, `--uv auto`)', HEADER, [
    ...browserRows('restarted browser, paired profile', b.restarted),
    ...browserRows('new profile, pairs through the native host', b.newProfile),
  ]);
  verdicts.push({
    label: 'first signIn after browser start (paired profile), p50',
    value: `${ms(b.restarted.firstSignIn.p50)} ms (next: ${ms(b.restarted.nextSignIn.p50)} ms)`,
    target: 'none',
    met: undefined,
  });
  return verdicts;
}

export const pairingBenchmark: Benchmark = {
  name: 'pairing',
  title: 'Pairing and the first sign-in after browser start',
  run,
};
