/**
 * The fault suites' tally: one row per fault (injected, survived, lost, healed) with the notes of
 * what did not survive, printed as the Markdown table recorded in docs/reliability.md.
 */
import type { CheckResult } from './faultStack.js';

export interface FaultRow {
  fault: string;
  injected: number;
  survived: number;
  healed: number;
  notes: string[];
}

export class FaultTable {
  readonly rows: FaultRow[] = [];

  /** Adds the row of `results` (one per fault injected) and returns it. */
  record(fault: string, results: CheckResult[]): FaultRow {
    const row: FaultRow = {
      fault,
      injected: results.length,
      survived: results.filter((r) => r.survived).length,
      healed: results.filter((r) => r.healed).length,
      notes: results.filter((r) => !r.survived).map((r) => r.note),
    };
    this.rows.push(row);
    return row;
  }

  print(title: string): void {
    const table = [
      '| fault | injected | survived | lost | of which healed (orphan re-registered) |',
      '|---|---|---|---|---|',
      ...this.rows.map(
        (r) => `| ${r.fault} | ${r.injected} | ${r.survived} | ${r.injected - r.survived} | ${r.healed} |`,
      ),
      ...this.rows.flatMap((r) => r.notes.map((n) => `${r.fault}: ${n}`)),
    ].join('\n');
    console.log(`\n${title}\n${table}\n`);
  }
}
