import { describe, expect, it } from 'vitest';
import { serviceDefinition } from './serviceDefinition.js';

const command = ['/usr/bin/node', '/opt/key bound/bin/keybound.js', 'daemon', '--data-dir', '/home/a/100%$x"y'];

describe('serviceDefinition', () => {
  it('should quote every ExecStart argument for systemd, including %, $ and quotes', () => {
    const def = serviceDefinition({ platform: 'linux', system: false, command, env: { HOME: '/home/a' } });
    expect(def.path).toBe('/home/a/.config/systemd/user/keybound-daemon.service');
    expect(def.content).toContain(
      'ExecStart="/usr/bin/node" "/opt/key bound/bin/keybound.js" "daemon" "--data-dir" "/home/a/100%%$$x\\"y"',
    );
    expect(def.activate.at(-1)).toEqual(['systemctl', '--user', 'enable', '--now', 'keybound-daemon.service']);
  });

  it('should go to /etc/systemd/user and enable globally when for every user', () => {
    const def = serviceDefinition({ platform: 'linux', system: true, command, env: { HOME: '/root' } });
    expect(def.path).toBe('/etc/systemd/user/keybound-daemon.service');
    expect(def.activate).toEqual([['systemctl', '--global', 'enable', 'keybound-daemon.service']]);
  });

  it('should write a LaunchAgent with the arguments XML-escaped on macOS', () => {
    const def = serviceDefinition({
      platform: 'darwin',
      system: false,
      command: ['/a', '<&>'],
      env: { HOME: '/Users/a' },
    });
    expect(def.path).toBe('/Users/a/Library/LaunchAgents/dev.keybound.daemon.plist');
    expect(def.content).toContain('<string>&lt;&amp;&gt;</string>');
    expect(def.content).toContain('<key>RunAtLoad</key>');
  });

  it('should register a logon task with schtasks on Windows', () => {
    const def = serviceDefinition({
      platform: 'win32',
      system: false,
      command: ['C:\\node.exe', 'C:\\kb\\bin\\keybound.js', 'daemon'],
      env: { LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local' },
    });
    expect(def.kind).toBe('schtasks');
    expect(def.content).toContain('<LogonTrigger>');
    expect(def.activate[0]?.slice(0, 3)).toEqual(['schtasks', '/Create', '/TN']);
  });
});
