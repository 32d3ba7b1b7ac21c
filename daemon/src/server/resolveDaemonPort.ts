/**
 * Which loopback port this user's daemon listens on (decision 0041). A port number authenticates
 * nothing, but every OS user's daemon wanting the same well-known port made a second user's
 * extension talk to the first user's daemon. So the port is per user: `--port`, else `"port"`
 * in this user's `config.json`, else the port recorded in this user's data dir (`port`), else a
 * free one the kernel picks, which the caller records once it listens. The extension never
 * needs to know it in advance: its native-messaging host asks this user's daemon.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readDaemonConfigFile } from '../pairing/loadDaemonConfig.js';

/** Where the port came from; `recorded` and `picked` are (re)written to the data dir after listening. */
export type PortSource = 'flag' | 'config' | 'recorded' | 'picked';

export interface ResolvedPort {
  /** 0 when the kernel is to pick one. */
  port: number;
  source: PortSource;
  /** Why a recorded port was not used (unreadable or malformed file), for the start log. */
  ignored?: string;
}

/** The file in the data dir that remembers a picked port across restarts. */
export const PORT_FILE = 'port';

export async function resolveDaemonPort(args: { dataDir: string; flag?: number }): Promise<ResolvedPort> {
  // An explicit --port (0 included: tests and benchmarks) is used as given and never recorded.
  if (args.flag !== undefined) return { port: args.flag, source: 'flag' };
  const config = await readDaemonConfigFile(args.dataDir);
  if (config.port !== undefined) return { port: config.port, source: 'config' };
  let text: string;
  try {
    text = await readFile(join(args.dataDir, PORT_FILE), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { port: 0, source: 'picked' };
    return { port: 0, source: 'picked', ignored: `the recorded port could not be read (${code ?? 'error'})` };
  }
  const port = /^\d{1,5}\n?$/.test(text) ? Number(text.trim()) : Number.NaN;
  // The file is only a memory of an earlier pick: a damaged one is replaced, losing nothing.
  if (!(port >= 1 && port <= 65_535))
    return { port: 0, source: 'picked', ignored: `the recorded port "${text.slice(0, 16)}" is not a port number` };
  return { port, source: 'recorded' };
}
