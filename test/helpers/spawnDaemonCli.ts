/**
 * `keybound daemon` as a real process from the TypeScript sources, waiting (bounded) for its one
 * ready line. `prefix` runs it through another command first (e.g. `setpriv` to run it as another
 * OS user); `env` replaces the environment (HOME, XDG dirs of that user).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { sourceHostCommand } from '../../dev/nativeHostProcess.js';
import { within } from '../../dev/within.js';

export interface CliDaemon {
  child: ChildProcess;
  port: number;
  /** Everything the daemon wrote on stderr so far (JSON log lines). */
  stderr(): string;
  /** SIGTERM, then the exit code (SIGKILL after 10 s). */
  stop(): Promise<number | null>;
}

export async function spawnDaemonCli(
  args: string[],
  options: { prefix?: string[]; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliDaemon> {
  const [command, ...rest] = [...(options.prefix ?? []), ...sourceHostCommand(), 'daemon', ...args];
  const child = spawn(command!, rest, {
    env: { KEYBOUND_LOG_LEVEL: 'info', ...(options.env ?? process.env) },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /^keybound daemon listening on ws:\/\/127\.0\.0\.1:(\d+)\n/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((code) =>
      reject(new Error(`keybound daemon exited ${code} before listening: ${stderr.slice(-800)}`)),
    );
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(kill);
    return code;
  };
  try {
    const port = await within(ready, `keybound daemon ${args.join(' ')} to listen`, 60_000);
    return { child, port, stderr: () => stderr, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
