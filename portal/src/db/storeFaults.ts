/**
 * Fault injection for the fault suite (test/fault/portalFaults.test.ts), inert in normal runs: it
 * listens only when the portal was started with KEYBOUND_FAULT=ipc by a parent holding an IPC
 * channel (child_process `stdio: [..., 'ipc']`). The parent arms one fault at a time and waits for
 * `{ fault: 'armed' }` before its next request, so the fault lands at an exact, repeatable point —
 * a kill -9 chosen by count instead of by a random sleep:
 *
 * - `{ fault: 'kill', at: n }`: SIGKILL at the n-th store step from now (a statement about to run,
 *   or a transaction just committed);
 * - `{ fault: 'full', at: n, count: k }`: from the n-th write on, k writes fail as SQLite's do on a
 *   full disk (SQLITE_FULL), then the disk has room again;
 * - `{ fault: 'off' }`: disarms;
 * - `{ fault: 'count' }`: answers with the store steps reached since the last count (the suite
 *   measures a flow before choosing where to kill it).
 *
 * Without the variable each store step costs one comparison.
 */
const enabled = process.env.KEYBOUND_FAULT === 'ipc' && typeof process.send === 'function';

/** True only in a fault-suite child process. */
export const storeFaultsEnabled = enabled;

let killIn = 0;
let steps = 0;
let fullIn = 0;
let fullCount = 0;

if (enabled) {
  process.on('message', (raw: unknown) => {
    const m = raw as { fault?: string; at?: number; count?: number };
    if (m?.fault === 'kill') killIn = Number(m.at) || 0;
    else if (m?.fault === 'full') {
      fullIn = Number(m.at) || 0;
      fullCount = Number(m.count) || 1;
    } else if (m?.fault === 'off') killIn = fullIn = fullCount = 0;
    else if (m?.fault !== 'count') return;
    process.send?.({ fault: 'armed', steps });
    steps = 0;
  });
  // The IPC channel must not keep an otherwise finished process alive.
  (process.channel as { unref?: () => void } | undefined)?.unref?.();
}

/** A store step: kills the process here when a kill is armed for this step. */
export function storeStep(label: string): void {
  if (!enabled) return;
  steps++;
  if (killIn <= 0) return;
  killIn--;
  if (killIn === 0) {
    process.stderr.write(`fault: kill -9 at ${label}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}

/**
 * Request boundaries are steps too, so a kill can land after the answer left but before the next
 * request (express middleware; mounted only in a fault-suite child).
 */
export function requestSteps(_req: unknown, res: { on(event: 'finish', fn: () => void): unknown }, next: () => void) {
  storeStep('request received');
  res.on('finish', () => storeStep('response sent'));
  next();
}

/** A write about to run: throws as SQLite does on a full disk while an armed disk-full lasts. */
export function storeWrite(): void {
  if (!enabled || (fullIn <= 0 && fullCount <= 0)) return;
  if (fullIn > 1) {
    fullIn--;
    return;
  }
  fullIn = 0;
  if (fullCount <= 0) return;
  fullCount--;
  throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
}
