/**
 * An expected extension has paired with this daemon. Not paired yet is a warning, not a broken
 * link: the extension pairs on first use (IT's policy installs it; chrome://extensions shows it).
 */
import { type DoctorResult, doctorResult } from '../../../shared/doctor/doctorChecks.js';
import { EXTENSION_ID } from '../../../shared/extensionIdentity.js';
import type { DoctorContext } from './DoctorContext.js';

export async function checkExtension(ctx: DoctorContext): Promise<DoctorResult> {
  if (!ctx.status.ok) return doctorResult('extension', 'skip', 'the daemon is not running');
  const ids = ctx.extensionIds.length > 0 ? ctx.extensionIds : [EXTENSION_ID];
  const paired = ctx.status.value.pairedExtensions.filter((p) =>
    ids.some((id) => p.extensionOrigin === `chrome-extension://${id}`),
  );
  if (paired.length === 0) {
    return doctorResult(
      'extension',
      'warn',
      `no pairing yet with ${ids.join(', ')}`,
      'open the browser: the extension pairs on first use (chrome://extensions must show Keybound enabled)',
    );
  }
  return doctorResult(
    'extension',
    'ok',
    paired.map((p) => `${p.extensionOrigin} (${p.browser}, last seen ${p.lastSeenAt ?? 'never'})`).join('; '),
  );
}
