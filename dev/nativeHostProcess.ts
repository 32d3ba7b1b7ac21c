/**
 * Runs `keybound native-host` as the browser would: the launcher written by
 * `native-host install`, the caller's origin as its argument, framed JSON on stdin/stdout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { encodeFrame, FrameReader } from '../daemon/src/nativeHost/nativeMessagingFrames.js';

export interface HostSession {
  child: ChildProcess;
  /** Every message the host wrote, in order. */
  messages: Record<string, unknown>[];
  send(message: unknown): void;
  /** Resolves with the first message (already received or future) matching `pred`; rejects after `timeoutMs`. */
  next(pred: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): Promise<number | null>;
}

export function startHostProcess(launcher: string, args: string[], env: NodeJS.ProcessEnv = process.env): HostSession {
  const child = spawn(launcher, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
  const reader = new FrameReader(1024 * 1024);
  const messages: Record<string, unknown>[] = [];
  const waiters: { pred: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] =
    [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    for (const frame of reader.push(chunk)) {
      const m = JSON.parse(frame) as Record<string, unknown>;
      messages.push(m);
      for (const w of [...waiters])
        if (w.pred(m)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    messages,
    send: (message) => child.stdin?.write(encodeFrame(message, 1024 * 1024)),
    next: (pred, timeoutMs = 20_000) => {
      const seen = messages.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `native host sent no matching message in ${timeoutMs} ms; got ${JSON.stringify(messages)}; stderr: ${stderr}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          pred,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
    close: async () => {
      child.stdin?.end();
      return exited;
    },
  };
}

/**
 * Runs the CLI from the TypeScript sources (never a stale dist/), with tsx's loader given by
 * absolute URL: the browser starts the host in a folder of its own choosing.
 */
export function sourceHostCommand(): string[] {
  const require = createRequire(import.meta.url);
  return [
    process.execPath,
    '--import',
    pathToFileURL(require.resolve('tsx')).href,
    fileURLToPath(new URL('./cliEntry.ts', import.meta.url)),
  ];
}
