/**
 * The key store: the data dir and its key folder are private to the user (0700, keys 0600).
 * Keys are sealed to this machine in files; a hardware store reports itself through the daemon.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type DoctorResult, doctorResult } from '../../../shared/doctor/doctorChecks.js';
import type { DoctorContext } from './DoctorContext.js';

export async function checkKeyStore(ctx: DoctorContext): Promise<DoctorResult> {
  const dir = await stat(ctx.dataDir).catch(() => undefined);
  if (!dir) return doctorResult('keyStore', 'fail', `no data dir at ${ctx.dataDir}`, 'keybound install');
  if (ctx.platform === 'win32') return doctorResult('keyStore', 'ok', `file key store in ${ctx.dataDir}`);
  if ((dir.mode & 0o077) !== 0) {
    return doctorResult(
      'keyStore',
      'fail',
      `${ctx.dataDir} is mode ${(dir.mode & 0o777).toString(8)}, expected 700`,
      `chmod 700 ${ctx.dataDir}`,
    );
  }
  const keys = join(ctx.dataDir, 'keys');
  const names = await readdir(keys).catch(() => [] as string[]);
  for (const name of names) {
    const info = await stat(join(keys, name)).catch(() => undefined);
    if (info && (info.mode & 0o077) !== 0) {
      return doctorResult(
        'keyStore',
        'fail',
        `${join(keys, name)} is readable by others`,
        `chmod 600 ${join(keys, '*')}`,
      );
    }
  }
  return doctorResult(
    'keyStore',
    'ok',
    `file key store (sealed to this machine), ${names.length} key file(s), private to this user`,
  );
}
