/**
 * `--uv auto` (DESIGN "Security model"): approving every user-verification request without asking
 * is for tests and benchmarks only, so the daemon warns loudly when it runs so, and neither
 * `startDaemon` nor the `keybound daemon` command ever picks it by default.
 */
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { registerDaemonCommands } from '../../daemon/src/cli/registerDaemonCommands.js';
import { createLogger } from '../../shared/node/createLogger.js';
import { type HarnessDaemon, startHarnessDaemon } from '../helpers/daemonHarness.js';

let daemon: HarnessDaemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

/** Starts a daemon whose log lines are kept, parsed. */
async function startLogged(uv: 'auto' | undefined): Promise<Array<Record<string, unknown>>> {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('daemon', { destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
  // `uv: undefined` overrides the harness's own 'auto', so startDaemon's default applies.
  daemon = await startHarnessDaemon({ uv, logger });
  return lines;
}

describe('--uv auto', () => {
  it('should log a warning that every request is approved without asking when the daemon runs with --uv auto', async () => {
    const lines = await startLogged('auto');
    const warning = lines.find((l) => l.event === 'daemon.uv_auto');
    expect(warning).toMatchObject({ level: 40, code: 'UV_AUTO' });
    expect(String(warning?.msg)).toMatch(/APPROVED WITHOUT ASKING/);
    expect(daemon?.protect.mode).toBe('auto');
  });

  it('should ask through Protect and not warn when no mode is given', async () => {
    const lines = await startLogged(undefined);
    expect(lines.some((l) => l.event === 'daemon.uv_auto')).toBe(false);
    expect(daemon?.protect.mode).toBe('protect');
  });

  it('should default `keybound daemon --uv` to protect when the option is left out', () => {
    const program = new Command();
    registerDaemonCommands(program);
    const command = program.commands.find((c) => c.name() === 'daemon');
    expect(command?.options.find((o) => o.long === '--uv')?.defaultValue).toBe('protect');
  });
});
