/**
 * The polkit policy of host-mode user verification (`dev.keybound.verify-user`, `auth_self`),
 * with the users who may have the prompt name the site and account as the action's owners
 * (`org.freedesktop.policykit.owner`). daemon/os/polkit/dev.keybound.verify-user.policy is this
 * text without owners (a test keeps the two equal).
 */
import { POLKIT_ACTION_ID } from './PolkitVerifier.js';

/** POSIX-portable user names (useradd's default rule, plus a trailing `$` for machine accounts). */
const USER_NAME = /^[a-z_][a-z0-9_.-]{0,31}\$?$/i;

export function renderPolkitPolicy(owners: readonly string[] = []): string {
  for (const owner of owners) {
    if (!USER_NAME.test(owner)) throw new TypeError(`"${owner}" is not a user name (letters, digits, _ . -)`);
  }
  const annotation = owners.length
    ? `    <annotate key="org.freedesktop.policykit.owner">${owners.map((o) => `unix-user:${o}`).join(' ')}</annotate>\n`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE policyconfig PUBLIC "-//freedesktop//DTD PolicyKit Policy Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/PolicyKit/1/policyconfig.dtd">
<!--
  Keybound host-mode user verification (docs/daemon.md, "Host-mode user verification").
  Install as /usr/share/polkit-1/actions/${POLKIT_ACTION_ID}.policy (owned by root, mode 0644).
  "keybound polkit policy" prints it with the machine's users as owners, so that the prompt
  may name the site and account being approved.

  auth_self, never auth_self_keep: every request asks again; a retained authorisation would let
  later requests through without the user.
-->
<policyconfig>
  <vendor>Keybound</vendor>
  <action id="${POLKIT_ACTION_ID}">
    <description>Confirm it is you for device sign-in</description>
    <message>Keybound needs to confirm it is you before this device signs you in.</message>
    <icon_name>dialog-password</icon_name>
    <defaults>
      <allow_any>auth_self</allow_any>
      <allow_inactive>auth_self</allow_inactive>
      <allow_active>auth_self</allow_active>
    </defaults>
${annotation}  </action>
</policyconfig>
`;
}

/** Login users of this machine (uid 1000–59999 with a login shell), from a passwd file's text. */
export function loginUsers(passwd: string): string[] {
  const users: string[] = [];
  for (const line of passwd.split('\n')) {
    const [name, , uid, , , , shell] = line.split(':');
    const id = Number(uid);
    if (!name || !Number.isInteger(id) || id < 1000 || id >= 60000) continue;
    if (!shell || /(nologin|false)$/.test(shell.trim())) continue;
    if (USER_NAME.test(name)) users.push(name);
  }
  return users;
}
