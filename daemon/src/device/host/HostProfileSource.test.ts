import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eligibleDeviceProfile } from '../deviceProfile.js';
import { firstFailingPrerequisite } from '../prerequisites/prerequisites.js';
import type { HostEnrollment } from './HostEnrollment.js';
import { HostProfileSource } from './HostProfileSource.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function source(host: HostEnrollment) {
  const dir = await mkdtemp(join(tmpdir(), 'kb-host-'));
  dirs.push(dir);
  const s = new HostProfileSource(dir, async () => host, 'darwin');
  // Protect, user verification and settings are kept in device.json even on a real host.
  await s.update(() => ({
    ...eligibleDeviceProfile(),
    enrollment: { state: 'not-enrolled', deviceId: 'dev-1', identityKeyRef: 'ref-0123456789abcdef' },
  }));
  return s;
}

describe('HostProfileSource', () => {
  it('should take enrollment and platform from the host and keep the stored identity', async () => {
    const profile = await (
      await source({ state: 'enrolled', type: 'apple-automated', organisation: 'mdm.example.com', reason: 'dep' })
    ).get();
    expect(profile.platform).toBe('macos');
    expect(profile.enrollment).toEqual({
      state: 'enrolled',
      type: 'apple-automated',
      organisation: 'mdm.example.com',
      deviceId: 'dev-1',
      identityKeyRef: 'ref-0123456789abcdef',
    });
    expect(firstFailingPrerequisite(profile)).toBeUndefined();
  });

  it('should refuse with ERR_ENROLLMENT_UNKNOWN, never assume enrolled, when the host cannot tell', async () => {
    const profile = await (await source({ state: 'unknown', reason: 'probe failed (ENOENT)' })).get();
    expect(profile.enrollment.state).toBe('unknown');
    expect(firstFailingPrerequisite(profile)?.code).toBe('ERR_ENROLLMENT_UNKNOWN');
  });
});
