/**
 * The data dir is the OS user's alone (DESIGN "Keys ... this OS user"): the daemon makes it 0700
 * before it opens anything in it, also when the folder already existed with a looser mode
 * (e.g. a `--data-dir` made by hand or by an installer under umask 022).
 */
import { chmod, rm, stat } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type HarnessDaemon, makeTempDir, startHarnessDaemon } from '../helpers/daemonHarness.js';

let dataDir: string | undefined;
let daemon: HarnessDaemon | undefined;

afterEach(async () => {
  await daemon?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  daemon = undefined;
  dataDir = undefined;
});

describe('daemon data dir', () => {
  it('should be mode 0700 once the daemon started when the folder existed as 0755', async () => {
    dataDir = await makeTempDir();
    await chmod(dataDir, 0o755);
    daemon = await startHarnessDaemon({ dataDir });
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
  });
});
