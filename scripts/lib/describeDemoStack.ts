/**
 * What `npm start` prints: everything a person needs to try Keybound by hand (where the portal
 * is, who to sign in as, how to get a TOTP code, how to answer Protect, where the extension is),
 * and the manual steps when no browser can be opened for them.
 */
import { relative } from 'node:path';
import type { DemoStack } from '../../dev/startDemoStack.js';

export interface DescribeOptions {
  /** Repository root: paths are printed relative to it. */
  root: string;
  extensionDir: string;
  /** What happened with the browser: opened for the user, or why not. */
  browser: { opened: true; executable: string } | { opened: false; reason: string };
}

export function describeDemoStack(stack: DemoStack, options: DescribeOptions): string {
  const rel = (path: string) => relative(options.root, path) || '.';
  const dataDir = rel(stack.daemon.dataDir);
  const cli = `npx keybound protect --data-dir ${dataDir}`;
  const lines = [
    '',
    'Keybound is running (local demo: everything listens on 127.0.0.1 only).',
    '',
    `  User Portal      ${stack.portal.origin}/`,
    `  Organisation     ${stack.user.organisation} (MFA required, Device Trust on)`,
    `  Email            ${stack.user.email}`,
    `  Password         ${stack.user.password}`,
    `  TOTP secret      ${stack.user.totpSecret}  (current code: ${stack.user.totpCode()})`,
    `  TOTP code later  ${cli} totp code ${stack.device.totpAccountId}`,
    `  SSO apps         "${stack.appName}" and "${stack.protectedAppName}" (protected: trusted devices only)`,
    '',
    `  Daemon           ${stack.daemon.url} (emulated device ${stack.device.deviceId}, ${
      stack.device.enrolledNow ? 'enrolled in the portal inventory now' : 'enrollment kept from the last start'
    })`,
    `  Daemon data      ${dataDir}   (delete ${rel(stack.dataRoot)}/ to start from scratch)`,
    `  Extension        ${rel(options.extensionDir)}  (id ${stack.extensionId})`,
    '                   The daemon allows this extension id and pre-authorises its pairing, as IT policy',
    '                   would; acceptable here only because the whole demo is local.',
    '',
    '  Protect          Each registration or sign-in opens a Protect window: click Approve (or Deny).',
    `                   From a terminal instead: ${cli} pending, then ${cli} approve <id>`,
    `                   Accounts and settings: ${cli} accounts | settings device-signin off|on`,
    '',
  ];
  if (options.browser.opened) {
    lines.push(`Opened ${options.browser.executable} with the extension at the portal.`);
  } else {
    lines.push(
      `No browser opened (${options.browser.reason}). To try it by hand:`,
      '  1. In Chromium or Chrome, open chrome://extensions, turn on Developer mode, click "Load unpacked"',
      `     and choose ${rel(options.extensionDir)}`,
      `     (Chrome 137 and later ignore --load-extension; loading it by hand works in every version).`,
      `  2. Open the extension's options (Details → Extension options), add the portal origin`,
      `     ${stack.portal.origin} and keep the daemon port ${stack.daemon.port}.`,
      `  3. Go to ${stack.portal.origin}/ and sign in as ${stack.user.email}: Continue → Passwordless`,
      '     Login → Password → Verification code → approve in Protect → signed in; next time no password.',
      '  Or run the whole walkthrough headless: npm run demo',
    );
  }
  lines.push('', 'Press Ctrl-C to stop.', '');
  return lines.join('\n');
}
