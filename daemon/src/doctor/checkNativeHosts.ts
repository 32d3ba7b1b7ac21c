/**
 * Each installed browser has a valid native-messaging host manifest: right name, type stdio, an
 * absolute path to an executable launcher, and the expected extension origins allowed.
 */
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { type DoctorResult, doctorResult } from '../../../shared/doctor/doctorChecks.js';
import { NATIVE_HOST_NAME, nativeHostAllowedOrigins } from '../../../shared/extensionIdentity.js';
import { detectBrowsers } from '../install/detectBrowsers.js';
import { nativeHostLocation } from '../nativeHost/nativeHostLocation.js';
import type { DoctorContext } from './DoctorContext.js';

export async function checkNativeHosts(ctx: DoctorContext): Promise<DoctorResult> {
  const browsers = detectBrowsers({ platform: ctx.platform, env: ctx.env });
  if (browsers.length === 0)
    return doctorResult('nativeHost', 'skip', 'no Chromium-family browser found for this user');
  const expected = nativeHostAllowedOrigins(ctx.extensionIds.length > 0 ? ctx.extensionIds : undefined);
  const good: string[] = [];
  for (const browser of browsers) {
    const location = nativeHostLocation({ browser, platform: ctx.platform, env: ctx.env });
    const path = join(location.dir, `${NATIVE_HOST_NAME}.json`);
    const problem = await manifestProblem(path, expected);
    if (problem) {
      return doctorResult(
        'nativeHost',
        'fail',
        `${browser}: ${problem}`,
        `keybound install (or keybound native-host install --browser ${browser})`,
      );
    }
    good.push(browser);
  }
  return doctorResult('nativeHost', 'ok', `valid for ${good.join(', ')}`);
}

async function manifestProblem(path: string, expectedOrigins: string[]): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return `no manifest at ${path}`;
  }
  let manifest: { name?: unknown; type?: unknown; path?: unknown; allowed_origins?: unknown };
  try {
    manifest = JSON.parse(text);
  } catch {
    return `${path} is not JSON`;
  }
  if (manifest.name !== NATIVE_HOST_NAME)
    return `${path} names "${String(manifest.name)}", expected "${NATIVE_HOST_NAME}"`;
  if (manifest.type !== 'stdio') return `${path} has type "${String(manifest.type)}", expected "stdio"`;
  if (typeof manifest.path !== 'string' || !isAbsolute(manifest.path)) return `${path} has no absolute launcher path`;
  try {
    await access(manifest.path, constants.X_OK);
  } catch {
    return `the launcher ${manifest.path} is missing or not executable`;
  }
  const allowed = Array.isArray(manifest.allowed_origins) ? manifest.allowed_origins : [];
  const missing = expectedOrigins.filter((o) => !allowed.includes(o));
  if (missing.length > 0) return `${path} does not allow ${missing.join(', ')}`;
  return undefined;
}
