/**
 * Where a sign-in's time goes, from the page timeline (page/timeline.js): each hop is the time
 * between two marks of the same sign-in; a hop whose marks one path lacks is left out for it.
 * "Other" is what no hop covers (the glue between steps: parsing JSON, the page's own code).
 */
import { ms } from '../lib/Benchmark.js';
import { printTable, summarize } from '../lib/stats.js';
import type { Mark } from './signInOnce.js';

export type PathName = 'ours' | 'builtIn';

interface Hop {
  label: string;
  from: string;
  to: string;
  /** The one path this hop belongs to; both when absent. */
  only?: PathName;
  /** A part of the hop above it (not added again to the covered time). */
  part?: true;
}

/** The four legs of one page API round trip, from the page and worker timelines. */
const pageApiLegs = (type: string): Hop[] =>
  [
    { label: '  of which page → content script → worker', from: `ext ${type} sent`, to: `worker ${type} received` },
    { label: '  of which in the worker before the daemon', from: `worker ${type} received`, to: `ws ${type} sent` },
    {
      label: '  of which the daemon leg (WebSocket out, daemon, back)',
      from: `ws ${type} sent`,
      to: `ws ${type} answered`,
    },
    { label: '  of which worker → content script → page', from: `ws ${type} answered`, to: `ext ${type} answered` },
  ].map((h) => ({ ...h, label: `${h.label} (${type})`, only: 'ours', part: true }) as Hop);

/** In the order they happen; both paths' hops, each path having its own subset. */
export const HOPS: readonly Hop[] = [
  { label: 'email POST + redirect → continue page received', from: 'submit', to: '/signin/continue response' },
  {
    label: 'continue page parsed (response → interactive)',
    from: '/signin/continue response',
    to: '/signin/continue interactive',
  },
  {
    label: '  ours: content script asks the worker whether to serve the page (gate)',
    from: '/signin/continue response',
    to: 'worker gate received',
    only: 'ours',
    part: true,
  },
  {
    label: 'ours: signin.js waits for the content script, asks status',
    from: '/signin/continue interactive',
    to: 'ext status sent',
    only: 'ours',
  },
  {
    label: 'ours: page API status (page → content → worker → daemon → back)',
    from: 'ext status sent',
    to: 'ext status answered',
    only: 'ours',
  },
  ...pageApiLegs('status'),
  {
    label: 'built-in: script starts, asks for options',
    from: '/signin/continue interactive',
    to: 'authentication/options sent',
    only: 'builtIn',
  },
  {
    label: 'portal: POST authentication/options',
    from: 'authentication/options sent',
    to: 'authentication/options answered',
  },
  {
    label: 'ours: page API signIn (page → content → worker → daemon → back)',
    from: 'ext signIn sent',
    to: 'ext signIn answered',
    only: 'ours',
  },
  ...pageApiLegs('signIn'),
  {
    label: 'built-in: navigator.credentials.get (virtual authenticator)',
    from: 'credentials.get start',
    to: 'credentials.get end',
    only: 'builtIn',
  },
  {
    label: 'portal: POST authentication/verify',
    from: 'authentication/verify sent',
    to: 'authentication/verify answered',
  },
  {
    label: 'navigation to home (verify answered → home received)',
    from: 'authentication/verify answered',
    to: '/ response',
  },
  { label: 'home page parsed (response → DOMContentLoaded)', from: '/ response', to: '/ loaded' },
];

/** Per hop, the durations (ms) over all sign-ins that have both marks. */
export function hopDurations(path: PathName, signIns: readonly Mark[][]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const marks of signIns) {
    const at = (name: string) => marks.find(([n]) => n === name)?.[1];
    let covered = 0;
    for (const hop of HOPS) {
      if (hop.only && hop.only !== path) continue;
      const from = at(hop.from);
      const to = at(hop.to);
      if (from === undefined || to === undefined) continue;
      if (!hop.part) covered += to - from;
      out.set(hop.label, [...(out.get(hop.label) ?? []), to - from]);
    }
    const total = (at('/ loaded') ?? Number.NaN) - (at('submit') ?? Number.NaN);
    out.set('other (glue between steps)', [...(out.get('other (glue between steps)') ?? []), total - covered]);
    out.set('total', [...(out.get('total') ?? []), total]);
  }
  return out;
}

/** Prints p50 (and mean) per hop for both paths, side by side. */
export function printHops(ours: readonly Mark[][], builtIn: readonly Mark[][]): void {
  const a = hopDurations('ours', ours);
  const b = hopDurations('builtIn', builtIn);
  const labels = [...HOPS.map((h) => h.label), 'other (glue between steps)', 'total'];
  const cell = (values: number[] | undefined, pick: 'p50' | 'mean') => (values ? ms(summarize(values, 1)[pick]) : '—');
  printTable(
    'Where the time goes: p50 (mean) per hop, in-page clock',
    ['hop', 'ours p50 ms', 'ours mean ms', 'built-in p50 ms', 'built-in mean ms'],
    labels
      .filter((l) => a.has(l) || b.has(l))
      .map((l) => [l, cell(a.get(l), 'p50'), cell(a.get(l), 'mean'), cell(b.get(l), 'p50'), cell(b.get(l), 'mean')]),
  );
}
