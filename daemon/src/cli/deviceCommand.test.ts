import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_MACHINE } from '../../../dev/openTestDaemonState.js';
import { type DeviceActionOptions, runDeviceAction } from './deviceActions.js';
import { registerDeviceCommand } from './deviceCommand.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function cli() {
  const dataDir = await mkdtemp(join(tmpdir(), 'kb-cli-'));
  dirs.push(dataDir);
  const output = { out: '', err: '' };
  const options: DeviceActionOptions = {
    dataDir,
    machineIdentity: TEST_MACHINE,
    out: (t) => {
      output.out += t;
    },
    err: (t) => {
      output.err += t;
    },
  };
  return { dataDir, output, options };
}

describe('keybound device', () => {
  it('should show a fresh device as not enrolled with the reason', async () => {
    const { output, options } = await cli();
    expect(await runDeviceAction({ op: 'show' }, options)).toBe(0);
    expect(output.out).toMatch(/^enrollment\s+not-enrolled$/m);
    expect(output.out).toMatch(/^eligible\s+no: ERR_NOT_ENROLLED/m);
  });

  it('should write device.json when a field is set and print JSON with --json', async () => {
    const { dataDir, output, options } = await cli();
    expect(
      await runDeviceAction({ op: 'set', key: 'userVerification.pin', value: 'on' }, { ...options, json: true }),
    ).toBe(0);
    expect(JSON.parse(output.out).profile.userVerification.pin).toBe(true);
    expect(JSON.parse(await readFile(join(dataDir, 'device.json'), 'utf8')).userVerification.pin).toBe(true);
  });

  it('should enroll with a type and organisation and hide the key reference in JSON', async () => {
    const { output, options } = await cli();
    const code = await runDeviceAction(
      { op: 'enroll', type: 'apple-user', organisation: 'Example Corp' },
      { ...options, json: true },
    );
    expect(code).toBe(0);
    const shown = JSON.parse(output.out);
    expect(shown.profile.enrollment).toMatchObject({
      state: 'enrolled',
      type: 'apple-user',
      organisation: 'Example Corp',
    });
    expect(shown.profile.enrollment).not.toHaveProperty('identityKeyRef');
    expect(shown.problem.code).toBe('ERR_PROTECT_NOT_INSTALLED');
  });

  it('should print the error code and exit 1 when a setting is invalid', async () => {
    const { output, options } = await cli();
    expect(await runDeviceAction({ op: 'set', key: 'protect.colour', value: 'blue' }, options)).toBe(1);
    expect(output.err).toMatch(/^error ERR_INVALID_SETTING: /);
  });

  it('should register show, set, enroll and unenroll under `device`', () => {
    const program = new Command('keybound');
    registerDeviceCommand(program);
    const device = program.commands.find((c) => c.name() === 'device');
    expect(device?.commands.map((c) => c.name())).toEqual(
      expect.arrayContaining([
        'show',
        'set',
        'enroll',
        'unenroll',
        'open-protect',
        'approve-takeover',
        'personal-copy',
      ]),
    );
  });
});
