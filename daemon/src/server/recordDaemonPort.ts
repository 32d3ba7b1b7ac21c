/**
 * Remembers this user's daemon port in the data dir (`port`, mode 0600, written atomically), so a
 * restarted daemon listens where the extension last found it. The extension does not depend on
 * it: its native host asks the running daemon (decision 0041).
 */
import { join } from 'node:path';
import { atomicWriteFile } from '../storage/atomicWriteFile.js';
import { PORT_FILE } from './resolveDaemonPort.js';

export async function recordDaemonPort(dataDir: string, port: number): Promise<void> {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new TypeError(`Not a port number: ${port}`);
  await atomicWriteFile(join(dataDir, PORT_FILE), `${port}\n`, { mode: 0o600 });
}
