import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultDeviceProfile, eligibleDeviceProfile } from './deviceProfile.js';
import { EmulatedProfileSource } from './EmulatedProfileSource.js';
import { setProfileValue } from './setProfileValue.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'kb-dev-'));
  dirs.push(d);
  return d;
}

describe('EmulatedProfileSource', () => {
  it('should start from the default profile when device.json does not exist', async () => {
    expect(await new EmulatedProfileSource(await tempDir()).get()).toEqual(defaultDeviceProfile());
  });

  it('should write device.json with mode 0600 when updated', async () => {
    const dir = await tempDir();
    await new EmulatedProfileSource(dir).update(() => eligibleDeviceProfile());
    expect((await stat(join(dir, 'device.json'))).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(join(dir, 'device.json'), 'utf8'))).toEqual(eligibleDeviceProfile());
  });

  it('should see an edit made by another process when the file changes', async () => {
    const dir = await tempDir();
    const daemon = new EmulatedProfileSource(dir);
    expect((await daemon.get()).protect.notifications).toBe(false);
    // `keybound device set` runs in its own process with its own source.
    const cli = new EmulatedProfileSource(dir);
    await cli.update((p) => setProfileValue(p, 'protect.notifications', 'on'));
    expect((await daemon.get()).protect.notifications).toBe(true);
  });

  it('should throw ERR_STATE_CORRUPT and leave the file when device.json is damaged', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'device.json'), '{"v":1,"platform":"beos"}');
    await expect(new EmulatedProfileSource(dir).get()).rejects.toMatchObject({ code: 'ERR_STATE_CORRUPT' });
    expect(await readFile(join(dir, 'device.json'), 'utf8')).toBe('{"v":1,"platform":"beos"}');
  });
});

describe('setProfileValue', () => {
  it('should set a nested switch from on/off text', () => {
    expect(
      setProfileValue(defaultDeviceProfile(), 'userVerification.workProfile.pin', 'on').userVerification.workProfile
        .pin,
    ).toBe(true);
  });

  it('should set and clear an optional field', () => {
    const set = setProfileValue(defaultDeviceProfile(), 'enrollment.type', 'apple-user');
    expect(set.enrollment.type).toBe('apple-user');
    expect(setProfileValue(set, 'enrollment.type', '-').enrollment).not.toHaveProperty('type');
  });

  it('should refuse an unknown key with ERR_INVALID_SETTING', () => {
    expect(() => setProfileValue(defaultDeviceProfile(), 'protect.colour', 'blue')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_SETTING' }),
    );
  });

  it('should refuse a value the schema does not allow with ERR_INVALID_SETTING naming the key', () => {
    expect(() => setProfileValue(defaultDeviceProfile(), 'enrollment.type', 'windows-magic')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_SETTING', message: expect.stringContaining('enrollment.type') }),
    );
  });

  it('should refuse setting a whole group with ERR_INVALID_SETTING', () => {
    expect(() => setProfileValue(defaultDeviceProfile(), 'protect', 'true')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_SETTING' }),
    );
  });
});
