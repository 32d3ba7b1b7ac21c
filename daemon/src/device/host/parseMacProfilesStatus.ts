/**
 * Parses macOS `profiles status -type enrollment`, e.g.
 *   Enrolled via DEP: Yes
 *   MDM enrollment: Yes (User Approved)
 *   MDM server: https://mdm.example.com/mdm/checkin
 * DEP (Automated Device Enrollment) → apple-automated; MDM without DEP → apple-profile.
 * Anything it does not recognise is "unknown", never "enrolled".
 */
import { type HostEnrollment, unknownEnrollment } from './HostEnrollment.js';

export function parseMacProfilesStatus(output: string): HostEnrollment {
  const field = (name: string) => output.match(new RegExp(`^\\s*${name}:\\s*(.+?)\\s*$`, 'mi'))?.[1];
  const dep = field('Enrolled via DEP');
  const mdm = field('MDM enrollment');
  if (dep === undefined || mdm === undefined) return unknownEnrollment('profiles output not recognised');
  const mdmYes = /^yes\b/i.test(mdm);
  const depYes = /^yes\b/i.test(dep);
  if (!mdmYes && /^no\b/i.test(mdm)) return { state: 'not-enrolled', reason: 'profiles: MDM enrollment No' };
  if (!mdmYes) return unknownEnrollment(`profiles: MDM enrollment "${mdm}" not recognised`);
  const server = field('MDM server');
  let organisation: string | undefined;
  try {
    organisation = server ? new URL(server).hostname : undefined;
  } catch {
    organisation = undefined;
  }
  return {
    state: 'enrolled',
    type: depYes ? 'apple-automated' : 'apple-profile',
    ...(organisation ? { organisation } : {}),
    reason: `profiles: MDM enrollment ${mdm}${depYes ? ', via DEP' : ''}`,
  };
}
