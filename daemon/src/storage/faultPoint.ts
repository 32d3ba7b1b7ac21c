/**
 * Deterministic kill points for the fault suite (test/fault/): with KEYBOUND_FAULT_KILL_AT=n in
 * the environment, the n-th durable step the daemon reaches (a state file renamed into place, a
 * key written, a credential inserted, a counter reserved, audit lines written) kills the process
 * with SIGKILL — a kill -9 at an exact point, repeatable, instead of a random sleep. Without the
 * variable it is one comparison per step.
 */
const killAt = Number(process.env.KEYBOUND_FAULT_KILL_AT ?? 0);
let reached = 0;

export function faultPoint(label: string): void {
  if (killAt <= 0) return;
  reached++;
  if (reached === killAt) {
    process.stderr.write(`fault: kill -9 at point ${reached} (${label})\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}
