/**
 * The daemon's per-user service for each OS, as a file plus the commands that activate it:
 * a systemd user unit (Linux), a launchd LaunchAgent (macOS), a scheduled task at logon
 * (Windows). `system` installs it for every user of the machine (IT images); the daemon still
 * runs as each user, with that user's data dir. Pure: no file system, no processes.
 */
import { join } from 'node:path';

export const SERVICE_NAME = 'keybound-daemon';
export const LAUNCHD_LABEL = 'dev.keybound.daemon';
export const WINDOWS_TASK = '\\Keybound\\Daemon';

export interface ServiceDefinition {
  kind: 'systemd' | 'launchd' | 'schtasks';
  /** Where the file goes. */
  path: string;
  content: string;
  /** Commands that register and start it (each may fail where no session manager runs). */
  activate: string[][];
  /** Commands that stop and unregister it. */
  deactivate: string[][];
  /** Command that tells whether it runs (exit 0 = running), when the OS has one. */
  isActive?: string[];
}

export function serviceDefinition(options: {
  platform: NodeJS.Platform;
  system: boolean;
  /** argv of the daemon, e.g. [node, /opt/keybound/bin/keybound.js, 'daemon', '--device', 'host', …]. */
  command: string[];
  env: NodeJS.ProcessEnv;
}): ServiceDefinition {
  const { platform, system, command, env } = options;
  const home = env.HOME ?? env.USERPROFILE ?? '';
  if (platform === 'darwin') {
    // COMPAT(untested: no macOS here)
    const path = system
      ? `/Library/LaunchAgents/${LAUNCHD_LABEL}.plist`
      : join(home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
    const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
    return {
      kind: 'launchd',
      path,
      content: launchAgent(command),
      activate: system ? [] : [['launchctl', 'bootstrap', `gui/${uid}`, path]],
      deactivate: system ? [] : [['launchctl', 'bootout', `gui/${uid}/${LAUNCHD_LABEL}`]],
      isActive: ['launchctl', 'print', `gui/${uid}/${LAUNCHD_LABEL}`],
    };
  }
  if (platform === 'win32') {
    // COMPAT(untested: no Windows here) — a task at logon, run as the user who logs on.
    const base = system ? (env.ProgramData ?? 'C:\\ProgramData') : (env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'));
    const path = join(base, 'Keybound', 'keybound-daemon-task.xml');
    return {
      kind: 'schtasks',
      path,
      content: scheduledTask(command, system),
      activate: [
        ['schtasks', '/Create', '/TN', WINDOWS_TASK, '/XML', path, '/F'],
        ['schtasks', '/Run', '/TN', WINDOWS_TASK],
      ],
      deactivate: [
        ['schtasks', '/End', '/TN', WINDOWS_TASK],
        ['schtasks', '/Delete', '/TN', WINDOWS_TASK, '/F'],
      ],
      isActive: ['schtasks', '/Query', '/TN', WINDOWS_TASK],
    };
  }
  const path = system
    ? `/etc/systemd/user/${SERVICE_NAME}.service`
    : join(env.XDG_CONFIG_HOME || join(home, '.config'), 'systemd', 'user', `${SERVICE_NAME}.service`);
  const scope = system ? '--global' : '--user';
  return {
    kind: 'systemd',
    path,
    content: systemdUnit(command),
    activate: system
      ? [['systemctl', '--global', 'enable', `${SERVICE_NAME}.service`]]
      : [
          ['systemctl', scope, 'daemon-reload'],
          ['systemctl', scope, 'enable', '--now', `${SERVICE_NAME}.service`],
        ],
    deactivate: system
      ? [['systemctl', '--global', 'disable', `${SERVICE_NAME}.service`]]
      : [['systemctl', scope, 'disable', '--now', `${SERVICE_NAME}.service`]],
    ...(system ? {} : { isActive: ['systemctl', '--user', 'is-active', '--quiet', `${SERVICE_NAME}.service`] }),
  };
}

/** systemd quoting: each argument in double quotes, with `\`, `"`, `$` and `%` escaped. */
function systemdArgs(command: string[]): string {
  return command
    .map((a) => `"${a.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '$$$$').replace(/%/g, '%%')}"`)
    .join(' ');
}

function systemdUnit(command: string[]): string {
  return `# Written by \`keybound install\`: the Keybound daemon for this user (loopback only).
[Unit]
Description=Keybound companion daemon (device sign-in for the browser extension)
After=default.target

[Service]
Type=simple
ExecStart=${systemdArgs(command)}
Restart=on-failure
RestartSec=2
NoNewPrivileges=true
PrivateTmp=true
UMask=0077

[Install]
WantedBy=default.target
`;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function launchAgent(command: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Written by \`keybound install\`: the Keybound daemon for the user who logs in (loopback only). -->
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${LAUNCHD_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${command.map((a) => `    <string>${xml(a)}</string>`).join('\n')}
  </array>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>ProcessType</key>
  <string>Background</string>
</dict>
</plist>
`;
}

function scheduledTask(command: string[], system: boolean): string {
  const [program = '', ...args] = command;
  const quoted = args.map((a) => (/[\s"]/.test(a) ? `"${a.replace(/"/g, '\\"')}"` : a)).join(' ');
  return `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo><Description>Keybound companion daemon (written by keybound install)</Description></RegistrationInfo>
  <Triggers><LogonTrigger><Enabled>true</Enabled></LogonTrigger></Triggers>
  <Principals><Principal id="Author">${system ? '<GroupId>S-1-5-32-545</GroupId>' : '<LogonType>InteractiveToken</LogonType>'}<RunLevel>LeastPrivilege</RunLevel></Principal></Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <RestartOnFailure><Interval>PT1M</Interval><Count>3</Count></RestartOnFailure>
  </Settings>
  <Actions Context="Author"><Exec><Command>${xml(program)}</Command><Arguments>${xml(quoted)}</Arguments></Exec></Actions>
</Task>
`;
}
