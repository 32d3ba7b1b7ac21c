/**
 * Issue 8, item 3: the emulated device and its Protect window stay for `--device emulator`, and
 * the daemon says plainly at start that they are for developers and not a security boundary.
 * `--device host` says nothing of the kind and verifies users through the OS.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { UserVerifier } from '../../daemon/src/protect/UserVerifier.js';
import { createLogger } from '../../shared/node/createLogger.js';
import { type HarnessDaemon, startHarnessDaemon } from '../helpers/daemonHarness.js';

let daemon: HarnessDaemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

/** Starts a daemon whose log lines are kept, parsed. */
async function startLogged(options: Parameters<typeof startHarnessDaemon>[0]): Promise<Array<Record<string, unknown>>> {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('daemon', { destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
  daemon = await startHarnessDaemon({ ...options, logger });
  return lines;
}

/** Stands in for the OS: this test is about what the daemon says, not about polkit. */
const refusingOs: UserVerifier & { backend: string } = {
  backend: 'polkit',
  verify: () => Promise.reject(new Error('not asked in this test')),
};

describe('start-up notice', () => {
  it('should warn at start that the emulator is for developers and not a security boundary', async () => {
    const lines = await startLogged({ uv: 'protect' });
    const notice = lines.find((l) => l.event === 'daemon.emulator');
    expect(notice).toMatchObject({ level: 40, code: 'EMULATOR' });
    expect(String(notice?.msg)).toMatch(/for developers/);
    expect(String(notice?.msg)).toMatch(/NOT a security boundary/);
    expect(String(notice?.msg)).toMatch(/--device host/);
    expect(lines.find((l) => l.event === 'daemon.user_verification')).toMatchObject({ via: 'protect-queue' });
  });

  it('should not give the emulator notice, and verify through the OS, with --device host', async () => {
    const lines = await startLogged({ device: 'host', uv: 'protect', osVerifier: refusingOs });
    expect(lines.some((l) => l.event === 'daemon.emulator')).toBe(false);
    expect(lines.find((l) => l.event === 'daemon.user_verification')).toMatchObject({ device: 'host', via: 'polkit' });
  });
});
