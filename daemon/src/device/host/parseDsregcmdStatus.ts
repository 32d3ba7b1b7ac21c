/**
 * Parses Windows `dsregcmd /status`. An MDM enrollment shows as a non-empty `MdmUrl` (Tenant
 * Details) → enrolled (desktop agent), organisation = TenantName. A device joined to nothing
 * (AzureAdJoined, EnterpriseJoined and DomainJoined all NO) → not enrolled. A joined device
 * without an MdmUrl is "unknown": it may be managed by other means we cannot see here.
 */
import { type HostEnrollment, unknownEnrollment } from './HostEnrollment.js';

export function parseDsregcmdStatus(output: string): HostEnrollment {
  const field = (name: string) => output.match(new RegExp(`^\\s*${name}\\s*:\\s*(.*?)\\s*$`, 'mi'))?.[1];
  const aad = field('AzureAdJoined');
  const enterprise = field('EnterpriseJoined');
  const domain = field('DomainJoined');
  if (aad === undefined) return unknownEnrollment('dsregcmd output not recognised');
  const mdmUrl = field('MdmUrl');
  const tenant = field('TenantName');
  if (mdmUrl && /^https:\/\//i.test(mdmUrl)) {
    return {
      state: 'enrolled',
      type: 'desktop-agent',
      ...(tenant ? { organisation: tenant } : {}),
      reason: 'dsregcmd: MdmUrl present',
    };
  }
  const no = (v: string | undefined) => v !== undefined && /^no$/i.test(v);
  if (no(aad) && no(enterprise) && no(domain)) return { state: 'not-enrolled', reason: 'dsregcmd: not joined, no MDM' };
  return unknownEnrollment('dsregcmd: joined but no MdmUrl; MDM enrollment cannot be confirmed');
}
