/**
 * Asks the host OS whether it is enrolled in device management: macOS `profiles`, Windows
 * `dsregcmd`, Linux the agent's state file. Commands run with a timeout and without a shell;
 * any failure is reported as "unknown" with the reason — never as "enrolled".
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { type HostEnrollment, unknownEnrollment } from './HostEnrollment.js';
import { parseDsregcmdStatus } from './parseDsregcmdStatus.js';
import { parseLinuxAgentState } from './parseLinuxAgentState.js';
import { parseMacProfilesStatus } from './parseMacProfilesStatus.js';

/** Default location of the Linux agent's state; KEYBOUND_AGENT_STATE overrides it. */
export const LINUX_AGENT_STATE = '/var/lib/keybound-agent/enrollment.json';
const TIMEOUT_MS = 5_000;

export type RunCommand = (file: string, args: string[], timeoutMs: number) => Promise<string>;

export async function probeHostEnrollment(
  options: { platform?: NodeJS.Platform; run?: RunCommand; agentStatePath?: string } = {},
): Promise<HostEnrollment> {
  const platform = options.platform ?? process.platform;
  const run = options.run ?? runCommand;
  try {
    if (platform === 'darwin')
      return parseMacProfilesStatus(await run('/usr/bin/profiles', ['status', '-type', 'enrollment'], TIMEOUT_MS));
    if (platform === 'win32') return parseDsregcmdStatus(await run('dsregcmd', ['/status'], TIMEOUT_MS));
    if (platform === 'linux') {
      const path = options.agentStatePath ?? process.env.KEYBOUND_AGENT_STATE ?? LINUX_AGENT_STATE;
      return parseLinuxAgentState(await readFile(path, 'utf8'));
    }
    return unknownEnrollment(`no enrollment probe for platform ${platform}`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return unknownEnrollment(`probe failed${code ? ` (${code})` : ''}`);
  }
}

/** execFile with a timeout and a 1 MB output cap; resolves to stdout. */
export function runCommand(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 1024 * 1024, windowsHide: true }, (err, stdout) => {
      if (err) reject(err);
      else resolve(stdout);
    });
  });
}
