import { describe, expect, it } from 'vitest';
import { DOCTOR_CHECKS } from '../../../shared/doctor/doctorChecks.js';
import type { Overview } from '../messaging/channels.js';
import { popupChecks } from './popupChecks.js';

const base: Overview = {
  extensionVersion: '1',
  daemonPort: 28170,
  connection: 'connected',
  portals: [],
  pairingPreauthorized: false,
  managedKeys: ['portalOrigins'],
};

describe('popupChecks', () => {
  it('should use the doctor’s own titles', () => {
    for (const r of popupChecks(base)) expect(r.title).toBe(DOCTOR_CHECKS[r.id].title);
  });

  it('should fail the port link when the daemon is unavailable and show policy as seen when managed', () => {
    const [port, , policy] = popupChecks({ ...base, connection: 'unavailable' });
    expect(port).toMatchObject({ title: 'Daemon answering on its port', status: 'fail' });
    expect(policy).toMatchObject({ title: 'Policy seen', status: 'ok', detail: 'managed: portalOrigins' });
  });

  it('should warn when no policy is seen and fail an unenrolled device', () => {
    const device = { enrollment: { state: 'not-enrolled' } } as unknown as NonNullable<Overview['device']>;
    const results = popupChecks({ ...base, managedKeys: [], device });
    expect(results.find((r) => r.id === 'policy')?.status).toBe('warn');
    expect(results.find((r) => r.id === 'enrollment')).toMatchObject({ status: 'fail', detail: 'not enrolled' });
  });
});
