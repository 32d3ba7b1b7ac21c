/** Runs one program without a shell, bounded in time; resolves to whether it exited 0 and what it said. */
import { execFile } from 'node:child_process';

export type CommandRunner = (argv: string[], env?: NodeJS.ProcessEnv) => Promise<{ ok: boolean; output: string }>;

export const runCommand: CommandRunner = (argv, env) =>
  new Promise((resolve) => {
    const [program = '', ...args] = argv;
    execFile(program, args, { timeout: 30_000, windowsHide: true, ...(env ? { env } : {}) }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim().split('\n')[0] ?? '';
      resolve({ ok: !err, output: err && !output ? err.message : output });
    });
  });
