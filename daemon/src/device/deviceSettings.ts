/**
 * Every field of the emulated device profile that `keybound device set <path> <value>` accepts,
 * with its values and what it means for the prerequisites. One table for `device set --help`,
 * docs/daemon.md and the CLI's change lines; deviceSettings.test.ts keeps it equal to the
 * profile schema, so a new field cannot be left out. Plain data (no zod) so `--help` stays fast.
 */
export interface DeviceSetting {
  /** The dotted path in device.json. */
  path: string;
  /** Accepted values as shown to people: `on|off` for switches, `-` clears an optional field. */
  values: string;
  meaning: string;
}

export const DEVICE_SETTINGS: readonly DeviceSetting[] = [
  { path: 'platform', values: 'macos|ios|ipados|android|windows|linux', meaning: 'the emulated operating system' },
  {
    path: 'enrollment.state',
    values: 'enrolled|not-enrolled|unknown',
    meaning: 'device management enrollment (prerequisite 1); prefer `device enroll`',
  },
  {
    path: 'enrollment.type',
    values: 'apple-automated|apple-profile|apple-user|android-work-profile|android-fully-managed|desktop-agent|-',
    meaning: 'how the device is enrolled; decides the Protect takeover rule',
  },
  { path: 'enrollment.organisation', values: 'text|-', meaning: 'the managing organisation' },
  { path: 'enrollment.deviceId', values: 'text|-', meaning: "the device's id in the portal inventory" },
  { path: 'enrollment.portal', values: 'URL|-', meaning: 'the portal whose inventory holds the identity key' },
  { path: 'enrollment.enrolledAt', values: 'ISO time|-', meaning: 'when the device was enrolled' },
  {
    path: 'enrollment.identityKeyRef',
    values: '(set by device enroll)',
    meaning: "the identity key's reference in the key store",
  },
  {
    path: 'enrollment.attestationKeyRef',
    values: '(set by device enroll)',
    meaning: "TPM key store: the attestation key's reference (activated by the portal)",
  },
  {
    path: 'enrollment.attestationCertificate',
    values: '(set by device enroll)',
    meaning: "TPM key store: the portal's certificate for the attestation key",
  },
  { path: 'protect.installed', values: 'on|off', meaning: 'Protect is installed (prerequisite 2)' },
  {
    path: 'protect.source',
    values: 'managed|personal',
    meaning: 'deployed by the organisation, or installed by the user (prerequisite 2)',
  },
  {
    path: 'protect.takeoverApproved',
    values: 'on|off',
    meaning: 'Apple profile-driven enrollment: the user approved the takeover of a personal copy',
  },
  {
    path: 'protect.personalCopyDecision',
    values: 'undecided|keep|remove',
    meaning: 'Apple User Enrollment: keep the personal copy or remove it for the managed one',
  },
  { path: 'protect.opened', values: 'on|off', meaning: 'Protect has been opened once (prerequisite 3)' },
  { path: 'protect.notifications', values: 'on|off', meaning: 'Protect may notify (prerequisite 3)' },
  {
    path: 'userVerification.biometrics',
    values: 'on|off',
    meaning: 'biometrics configured on the device (prerequisite 4)',
  },
  { path: 'userVerification.pin', values: 'on|off', meaning: 'a PIN or passcode configured (prerequisite 4)' },
  {
    path: 'userVerification.workProfile.biometrics',
    values: 'on|off',
    meaning: "Android work profile: the work profile's own biometrics (prerequisite 4)",
  },
  {
    path: 'userVerification.workProfile.pin',
    values: 'on|off',
    meaning: "Android work profile: the work profile's own PIN (prerequisite 4)",
  },
  {
    path: 'settings.deviceSignIn',
    values: 'on|off',
    meaning: 'device sign-in in Protect settings; off: the portal falls back to password and MFA',
  },
  { path: 'posture.osName', values: 'text|-', meaning: 'posture at each session refresh: the OS name (- = unknown)' },
  { path: 'posture.osVersion', values: 'text|-', meaning: 'posture: the OS version, dotted numbers' },
  { path: 'posture.diskEncryption', values: 'on|off|unknown|-', meaning: 'posture: full-disk encryption' },
  { path: 'posture.firewall', values: 'on|off|unknown|-', meaning: 'posture: the firewall' },
  { path: 'posture.screenLock', values: 'on|off|unknown|-', meaning: 'posture: the automatic screen lock' },
];

/** The `device set --help` text: one line per setting. */
export function deviceSettingsHelp(): string {
  const width = Math.max(...DEVICE_SETTINGS.map((s) => s.path.length));
  const lines = DEVICE_SETTINGS.map(
    (s) => `  ${s.path.padEnd(width)}  ${s.values}\n  ${''.padEnd(width)}  ${s.meaning}`,
  );
  return `\nSettings (on|off also accept true|false and yes|no; - clears an optional field):\n${lines.join('\n')}\n`;
}
