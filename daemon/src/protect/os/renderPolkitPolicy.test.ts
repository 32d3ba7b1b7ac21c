import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loginUsers, renderPolkitPolicy } from './renderPolkitPolicy.js';

const run = promisify(execFile);
const root = new URL('../../../../', import.meta.url);

describe('the polkit policy of dev.keybound.verify-user', () => {
  it('should ship daemon/os/polkit/dev.keybound.verify-user.policy equal to the rendered policy without owners', async () => {
    const shipped = await readFile(new URL('daemon/os/polkit/dev.keybound.verify-user.policy', root), 'utf8');
    expect(shipped).toBe(renderPolkitPolicy());
  });

  it('should require the user to authenticate as themselves for every request (auth_self, never _keep)', () => {
    const policy = renderPolkitPolicy();
    expect(policy).toContain('<action id="dev.keybound.verify-user">');
    const defaults = /<defaults>([\s\S]*)<\/defaults>/.exec(policy)?.[1] ?? '';
    expect(defaults.match(/<allow_(any|inactive|active)>auth_self<\/allow_\1>/g)).toHaveLength(3);
    expect(defaults).not.toMatch(/auth_self_keep|auth_admin|>yes</);
    expect(policy).not.toContain('org.freedesktop.policykit.owner');
  });

  it('should name the owners in one annotation of the action', () => {
    expect(renderPolkitPolicy(['alice', 'bob'])).toContain(
      '    <annotate key="org.freedesktop.policykit.owner">unix-user:alice unix-user:bob</annotate>\n  </action>',
    );
  });

  it('should refuse an owner that is not a user name (no markup into the policy)', () => {
    expect(() => renderPolkitPolicy(['alice"/><x']), 'markup').toThrow(TypeError);
    expect(() => renderPolkitPolicy(['a b'])).toThrow(/not a user name/);
  });

  it('should list login users from a passwd file, not system accounts or nologin shells', () => {
    const passwd = [
      'root:x:0:0:root:/root:/bin/bash',
      'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
      'alice:x:1000:1000:Alice:/home/alice:/bin/bash',
      'svc:x:1001:1001::/srv:/usr/sbin/nologin',
      'bob:x:1002:1002:Bob:/home/bob:/usr/bin/zsh',
      'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
      '',
    ].join('\n');
    expect(loginUsers(passwd)).toEqual(['alice', 'bob']);
  });

  it('should print the policy with `keybound polkit policy --owner`', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'dev/cliEntry.ts', 'polkit', 'policy', '--owner', 'alice'],
      { cwd: root.pathname, timeout: 60_000 },
    );
    expect(stdout).toBe(renderPolkitPolicy(['alice']));
  });
});
