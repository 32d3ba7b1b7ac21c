/**
 * One human output style for the device-side CLI: commands that change something print what
 * changed in a line or two (never the whole profile), `show` and `status` print aligned rows,
 * and `--json` is for scripts. `device make-eligible` does the six steps at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevDaemon, startDevDaemon } from '../../dev/startDevDaemon.js';
import { runKeybound as keybound } from './runKeybound.js';

/** No YAML-like `key:` lines and no indentation: the profile dump this style replaced. */
const PROFILE_DUMP = /^\s*(installed|enrollment|protect|userVerification):/m;

let daemon: DevDaemon;
beforeAll(async () => {
  daemon = await startDevDaemon({ uv: 'protect', preauthorizePairing: true });
});
afterAll(async () => {
  await daemon?.stop();
});

describe('device-side CLI output', () => {
  const device = (...args: string[]) => keybound(['device', '--data-dir', daemon.dataDir, ...args]);
  const protect = (...args: string[]) => keybound(['protect', '--data-dir', daemon.dataDir, ...args]);

  it('should print only what `protect install` and `protect notifications` changed', async () => {
    const installed = await protect('install', '--managed');
    expect(installed).toMatchObject({ code: 0, stderr: '' });
    expect(installed.stdout).toBe(
      'Protect installed (deployed by your organisation). Open it once: `keybound device open-protect`.\n',
    );
    await device('open-protect');
    const notified = await protect('notifications', 'on');
    expect(notified.stdout).toBe('Protect notifications on.\n');
  });

  it('should print the changed field and the eligibility after `device set`', async () => {
    const { code, stdout } = await device('set', 'userVerification.pin', 'on');
    expect(code).toBe(0);
    expect(stdout).not.toMatch(PROFILE_DUMP);
    expect(stdout.split('\n')[0]).toMatch(/^userVerification\.pin\s+off → on$/);
    expect(stdout).toMatch(/^eligible\s+no: ERR_\w+ — /m);
    expect(stdout.trim().split('\n')).toHaveLength(2);
  });

  it('should list every settable path with its values in `device set --help`', async () => {
    const { stdout } = await device('set', '--help');
    for (const line of [
      /protect\.notifications\s+on\|off/,
      /userVerification\.biometrics\s+on\|off/,
      /userVerification\.workProfile\.pin\s+on\|off/,
      /enrollment\.type\s+apple-automated\|/,
      /protect\.source\s+managed\|personal/,
      /settings\.deviceSignIn\s+on\|off/,
    ])
      expect(stdout).toMatch(line);
  });

  it('should make the device eligible in one command, and change nothing the second time', async () => {
    const first = await device('make-eligible');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^enrollment\.state\s+not-enrolled → enrolled$/m);
    expect(first.stdout).toMatch(/^userVerification\.biometrics\s+off → on$/m);
    expect(first.stdout).toMatch(/^eligible\s+yes$/m);
    const again = await device('make-eligible');
    expect(again.stdout).toMatch(/^no change\s+\neligible\s+yes\n$/);
    const shown = await device('show', '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({ eligible: true });
  });

  it('should print `status` as rows that name the device state', async () => {
    const { code, stdout } = await keybound(['status', '--data-dir', daemon.dataDir]);
    expect(code).toBe(0);
    expect(stdout).toContain('eligible for device sign-in');
    expect(stdout).not.toContain('undefined');
  });
});
