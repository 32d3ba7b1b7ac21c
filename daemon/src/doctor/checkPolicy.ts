/**
 * IT's managed policy for the extension is on this machine: a policy file that force-installs
 * the expected extension id and gives it managed configuration (`3rdparty`). Linux reads the
 * browsers' JSON folders; macOS and Windows keep policy in profiles and the registry, which this
 * check does not read (chrome://policy shows it there).
 */
import { type DoctorResult, doctorResult } from '../../../shared/doctor/doctorChecks.js';
import { EXTENSION_ID } from '../../../shared/extensionIdentity.js';
import type { DoctorContext } from './DoctorContext.js';
import { readPolicyFiles } from './readPolicyFiles.js';

export async function checkPolicy(ctx: DoctorContext): Promise<DoctorResult> {
  if (ctx.platform !== 'linux' && ctx.policyDirs.length === 0) {
    // COMPAT(untested: no macOS/Windows here)
    return doctorResult('policy', 'skip', 'policy lives in a profile or the registry here', 'open chrome://policy');
  }
  const ids = ctx.extensionIds.length > 0 ? ctx.extensionIds : [EXTENSION_ID];
  const files = await readPolicyFiles(ctx.policyDirs);
  const broken = files.find((f) => f.error);
  for (const id of ids) {
    for (const file of files) {
      const p = file.policy ?? {};
      const forcelist = Array.isArray(p.ExtensionInstallForcelist) ? p.ExtensionInstallForcelist : [];
      const settings = (p.ExtensionSettings as Record<string, { installation_mode?: string }> | undefined)?.[id];
      const forced =
        forcelist.some((e) => typeof e === 'string' && e.startsWith(`${id};`)) ||
        settings?.installation_mode === 'force_installed';
      const managed = (p['3rdparty'] as { extensions?: Record<string, unknown> } | undefined)?.extensions?.[id];
      if (forced || managed) {
        const parts = [
          forced ? 'force-installs' : 'does not force-install',
          managed ? 'configures' : 'does not configure',
        ];
        return doctorResult(
          'policy',
          forced && managed ? 'ok' : 'warn',
          `${file.path} ${parts.join(' and ')} ${id}`,
          forced && managed ? undefined : 'IT: deploy the file from keybound extension policy',
        );
      }
    }
  }
  return doctorResult(
    'policy',
    'fail',
    `no managed policy for ${ids.join(', ')} in ${ctx.policyDirs.join(', ')}${broken ? ` (${broken.path}: ${broken.error})` : ''}`,
    'IT: install keybound-policy.json from `keybound extension policy` into the browser’s managed policy folder',
  );
}
