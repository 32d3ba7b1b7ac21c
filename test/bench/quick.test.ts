/**
 * The benchmarks' CI check: `bench/run.ts --quick --only relay` still runs end to end against a
 * real daemon and prints its table, its ratio and a verdict. No timing is asserted — the figures
 * of a quick run mean nothing; only that they are produced.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], {
      cwd: new URL('../..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bench/run.ts --quick', () => {
  it('should print the relay table, both ratios and their verdicts when run with --only relay', async () => {
    const { code, stdout, stderr } = await runBench(['--quick', '--only', 'relay']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^- CPU: .+, \d+ cores/m);
    expect(stdout).toMatch(/\| sign-in through the daemon \| 100 \| [\d.]+ \| [\d.]+ \|/);
    expect(stdout).toMatch(/\| floor: WebSocket echo \+ P-256 sign \| 100 \|/);
    expect(stdout).toMatch(/\| p50 \| [\d.]+× \| ≤ 1\.3× \|/);
    expect(stdout).toMatch(/^- relay ratio p50 [\d.]+× \(target ≤ 1\.3×\): (met|MISSED)$/m);
    expect(stdout).toMatch(/^- relay ratio p99 [\d.]+× \(target ≤ 1\.3×\): (met|MISSED)$/m);
    expect(stdout).not.toMatch(/crashed/i);
  });

  it('should refuse an unknown benchmark name with exit code 2', async () => {
    const { code, stderr } = await runBench(['--quick', '--only', 'nope']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown benchmark nope/);
  });
});
