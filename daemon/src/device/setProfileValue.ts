/**
 * `keybound device set <key> <value>`: a dotted path into the device profile
 * (`enrollment.type`, `protect.notifications`, `userVerification.workProfile.pin`, …) and a value
 * given as text: `true|false|on|off|yes|no` for switches, `-` to clear an optional field, any
 * other text as a string. The result must still match the strict profile schema, so a typo in
 * a key or a bad value is refused with the schema's reason instead of being stored.
 */
import { DeviceError } from '../../../shared/errors.js';
import { type DeviceProfile, deviceProfileSchema } from './deviceProfile.js';

const TRUE = new Set(['true', 'on', 'yes']);
const FALSE = new Set(['false', 'off', 'no']);
const KEY = /^[A-Za-z]+(\.[A-Za-z]+){0,3}$/;

/** Returns a new profile with `key` set to `value`; throws ERR_INVALID_SETTING naming the key and the reason. */
export function setProfileValue(profile: DeviceProfile, key: string, value: string): DeviceProfile {
  if (!KEY.test(key) || key === 'v') {
    throw new DeviceError(
      'ERR_INVALID_SETTING',
      `Unknown device setting "${key}", expected e.g. enrollment.type or protect.notifications`,
    );
  }
  const next = structuredClone(profile) as Record<string, unknown>;
  const path = key.split('.');
  const last = path.pop() as string;
  // Posture signals are words ("on", "off", "unknown"), never switches; their group is optional.
  const posture = path[0] === 'posture';
  if (posture && next.posture === undefined) next.posture = {};
  let node: Record<string, unknown> = next;
  for (const part of path) {
    const child = node[part];
    if (typeof child !== 'object' || child === null) {
      throw new DeviceError(
        'ERR_INVALID_SETTING',
        `Unknown device setting "${key}": "${part}" is not a group of settings`,
      );
    }
    node = child as Record<string, unknown>;
  }
  if (typeof node[last] === 'object' && node[last] !== null) {
    throw new DeviceError('ERR_INVALID_SETTING', `"${key}" is a group of settings; set one of its fields instead`);
  }
  if (value === '-') delete node[last];
  else node[last] = posture ? value : coerce(value);
  const checked = deviceProfileSchema.safeParse(next);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const reason = issue ? `${issue.path.join('.') || key}: ${issue.message}` : 'invalid';
    throw new DeviceError('ERR_INVALID_SETTING', `Cannot set "${key}" to "${value}" (${reason})`);
  }
  return checked.data;
}

function coerce(value: string): string | boolean {
  const lower = value.toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  return value;
}
