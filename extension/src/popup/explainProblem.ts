/**
 * Turns an error code into plain words with the fix. The daemon's own message says what is wrong
 * (it knows the details, e.g. which enrollment type); this adds what the user can do about it.
 */

export interface Explanation {
  /** What is wrong, in plain words. */
  problem: string;
  /** What to do about it. */
  fix: string;
}

const FIXES: Record<string, string> = {
  ERR_DAEMON_UNAVAILABLE:
    'Start the Keybound daemon (run "keybound daemon", or sign out and back in so its service starts), then press Try again.',
  ERR_NATIVE_HOST_UNAVAILABLE:
    'Ask IT to run "keybound native-host install" (or "keybound install") for your user account, then restart the browser.',
  ERR_CONTROL_SOCKET_UNSAFE: "Ask IT to check the Keybound daemon's data folder: it must belong to you and be private.",
  ERR_EXTENSION_UNAVAILABLE: 'Reload the page. If that does not help, restart the browser.',
  ERR_NOT_PAIRED: 'Press Try again and approve the pairing in the Protect window that opens.',
  ERR_PAIRING_PROOF_INVALID: 'Press Try again and approve the pairing in the Protect window that opens.',
  ERR_PAIRING_DENIED: 'Press Try again and choose Approve in the Protect window.',
  ERR_UNSUPPORTED_VERSION: 'Update the extension and the Keybound daemon to the same release.',
  ERR_TIMEOUT: 'Press Try again. If it keeps happening, restart the Keybound daemon.',
  ERR_TOO_MANY_PENDING: 'Wait for the open requests to finish, then try again.',
  ERR_USER_DENIED: 'Start again from the portal and choose Approve in Protect.',
  ERR_USER_VERIFICATION_TIMEOUT: 'Start again from the portal and answer the Protect window within two minutes.',
  ERR_UV_NO_AGENT:
    'Sign in to your desktop session (it shows the system prompt that confirms it is you), then try again.',
  ERR_UV_UNAVAILABLE: 'Ask IT to set up user verification for Keybound on this computer (polkit on Linux).',
  ERR_NOT_ENROLLED: "Enroll this device in your organisation's device management, then try again.",
  ERR_ENROLLMENT_UNKNOWN: "Check that your organisation's device-management agent is running, then try again.",
  ERR_PROTECT_NOT_INSTALLED: "Install Protect from your organisation's app catalogue.",
  ERR_PROTECT_NOT_MANAGED: 'Ask your IT department to deploy Protect to this device.',
  ERR_PROTECT_TAKEOVER_PENDING: 'Approve the request to let your organisation manage Protect.',
  ERR_PROTECT_PERSONAL_COPY:
    'In Protect, choose: remove your personal copy so IT can install the managed one, or keep using your copy.',
  ERR_PROTECT_NOT_OPENED: 'Open Protect once, then try again.',
  ERR_NOTIFICATIONS_OFF: 'Turn on notifications for Protect, then try again.',
  ERR_UV_NOT_CONFIGURED: 'Set up biometrics (fingerprint or face) with a PIN or passcode on this device.',
  ERR_WORK_PROFILE_UV_NOT_CONFIGURED: 'Set up biometrics and a PIN for the work profile itself.',
  ERR_DEVICE_SIGNIN_DISABLED: 'Switch device sign-in on below, or sign in with your password.',
  ERR_CREDENTIAL_NOT_FOUND: 'Sign in with your password; the portal will offer to register this device again.',
  ERR_KEYSTORE_WRONG_MACHINE: 'The device keys were copied from another machine. Register this device again.',
  ERR_BAD_ORIGIN: 'Open the portal at its configured address, or ask IT to add this address.',
  ERR_RP_ID_MISMATCH: 'The portal asked for another site. Ask IT to check the portal configuration.',
};

/** The way out of a registration the portal lost (decision 0052), shown beside that portal. */
export const ORPHANED_TEXT =
  'this device is registered, but the portal no longer knows it. Log in there with your password once and this device is registered again.';

/** The explanation for a problem reported as `{ code, message }`. */
export function explainProblem(problem: { code: string; message: string }): Explanation {
  return {
    problem: problem.message,
    fix:
      FIXES[problem.code] ?? `Try again. If the problem stays, contact your IT department and quote ${problem.code}.`,
  };
}
