import { describe, expect, it } from 'vitest';
import { parseDsregcmdStatus } from './parseDsregcmdStatus.js';
import { parseLinuxAgentState } from './parseLinuxAgentState.js';
import { parseMacProfilesStatus } from './parseMacProfilesStatus.js';
import { probeHostEnrollment } from './probeHostEnrollment.js';

// Captured shapes of real outputs (values replaced).
const MAC_DEP =
  'Enrolled via DEP: Yes\nMDM enrollment: Yes (User Approved)\nMDM server: https://mdm.example.com/mdm/checkin\n';
const MAC_PROFILE = 'Enrolled via DEP: No\nMDM enrollment: Yes (User Approved)\n';
const MAC_NONE = 'Enrolled via DEP: No\nMDM enrollment: No\n';
const DSREG_MDM = `
+----------------------------------------------------------------------+
| Device State                                                         |
+----------------------------------------------------------------------+

             AzureAdJoined : YES
          EnterpriseJoined : NO
              DomainJoined : NO
               Device Name : LAPTOP-01

+----------------------------------------------------------------------+
| Tenant Details                                                       |
+----------------------------------------------------------------------+

                TenantName : Example Corp
                  TenantId : 00000000-0000-0000-0000-000000000000
                    MdmUrl : https://enrollment.manage.microsoft.com/enrollmentserver/discovery.svc
`;
const DSREG_NONE = `
+----------------------------------------------------------------------+
| Device State                                                         |
+----------------------------------------------------------------------+

             AzureAdJoined : NO
          EnterpriseJoined : NO
              DomainJoined : NO
`;
const DSREG_DOMAIN = DSREG_NONE.replace('DomainJoined : NO', 'DomainJoined : YES');

describe('parseMacProfilesStatus', () => {
  it('should report apple-automated when enrolled via DEP', () => {
    expect(parseMacProfilesStatus(MAC_DEP)).toMatchObject({
      state: 'enrolled',
      type: 'apple-automated',
      organisation: 'mdm.example.com',
    });
  });
  it('should report apple-profile when MDM-enrolled without DEP', () => {
    expect(parseMacProfilesStatus(MAC_PROFILE)).toMatchObject({ state: 'enrolled', type: 'apple-profile' });
  });
  it('should report not-enrolled when MDM enrollment is No', () => {
    expect(parseMacProfilesStatus(MAC_NONE).state).toBe('not-enrolled');
  });
  it('should report unknown when the output is not recognised', () => {
    expect(parseMacProfilesStatus('profiles: command not permitted').state).toBe('unknown');
  });
});

describe('parseDsregcmdStatus', () => {
  it('should report enrolled with the tenant when an MdmUrl is present', () => {
    expect(parseDsregcmdStatus(DSREG_MDM)).toMatchObject({
      state: 'enrolled',
      type: 'desktop-agent',
      organisation: 'Example Corp',
    });
  });
  it('should report not-enrolled when the device is joined to nothing', () => {
    expect(parseDsregcmdStatus(DSREG_NONE).state).toBe('not-enrolled');
  });
  it('should report unknown, not enrolled, when domain-joined without an MdmUrl', () => {
    expect(parseDsregcmdStatus(DSREG_DOMAIN).state).toBe('unknown');
  });
  it('should report unknown when the output is not recognised', () => {
    expect(parseDsregcmdStatus('The term dsregcmd is not recognized').state).toBe('unknown');
  });
});

describe('parseLinuxAgentState', () => {
  it('should report enrolled when the agent says so', () => {
    expect(parseLinuxAgentState('{"enrolled":true,"organisation":"Example Corp"}')).toMatchObject({
      state: 'enrolled',
      type: 'desktop-agent',
      organisation: 'Example Corp',
    });
  });
  it('should report not-enrolled when the agent says so', () => {
    expect(parseLinuxAgentState('{"enrolled":false}').state).toBe('not-enrolled');
  });
  it('should report unknown when the file is not JSON', () => {
    expect(parseLinuxAgentState('enrolled=yes').state).toBe('unknown');
  });
  it('should report unknown when enrolled is not a boolean', () => {
    expect(parseLinuxAgentState('{"enrolled":"yes"}').state).toBe('unknown');
  });
});

describe('probeHostEnrollment', () => {
  it('should report unknown when the command fails or times out', async () => {
    const run = async () => Promise.reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    expect(await probeHostEnrollment({ platform: 'darwin', run })).toMatchObject({
      state: 'unknown',
      reason: expect.stringContaining('ETIMEDOUT'),
    });
  });
  it('should report unknown when the Linux agent state file is missing', async () => {
    expect(
      (await probeHostEnrollment({ platform: 'linux', agentStatePath: '/nonexistent/keybound-agent.json' })).state,
    ).toBe('unknown');
  });
  it('should pass the Windows output to the dsregcmd parser', async () => {
    expect((await probeHostEnrollment({ platform: 'win32', run: async () => DSREG_MDM })).state).toBe('enrolled');
  });
});
