/**
 * The control socket behind `keybound protect|status`: file mode, strict parsing, and Protect
 * decisions taken by the CLI while a browser request waits.
 */
import { rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlCall } from '../../daemon/src/control/controlClient.js';
import { controlSocketPath } from '../../daemon/src/control/controlProtocol.js';
import { connectPaired, newInstall } from '../../dev/daemonClient.js';
import { sampleCreationOptions } from '../../dev/sampleOptions.js';
import { within } from '../../dev/within.js';
import { type HarnessDaemon, makeTempDir, startHarnessDaemon } from '../helpers/daemonHarness.js';

let daemon: HarnessDaemon;

beforeAll(async () => {
  daemon = await startHarnessDaemon({ uv: 'protect', preauthorizePairing: true });
});
afterAll(async () => {
  await daemon?.stop();
});

/** Writes raw bytes to the control socket and returns the first answer line. */
function rawControl(text: string): Promise<string> {
  const answer = new Promise<string>((resolve, reject) => {
    const socket = connect(controlSocketPath(daemon.dataDir));
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) {
        socket.destroy();
        resolve(out.slice(0, out.indexOf('\n')));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`control socket closed before answering; got ${JSON.stringify(out)}`)));
    socket.write(text);
  });
  return within(answer, 'an answer line from the control socket');
}

describe('control socket', () => {
  it('should be a socket only its owner can use', async () => {
    const info = await stat(controlSocketPath(daemon.dataDir));
    expect(info.isSocket()).toBe(true);
    expect(info.mode & 0o777).toBe(0o600);
  });

  it('should answer errors when control messages are malformed or invalid', async () => {
    expect(JSON.parse(await rawControl('{nope\n'))).toMatchObject({ ok: false, error: { code: 'ERR_MALFORMED_JSON' } });
    expect(JSON.parse(await rawControl('{"id":"a1","op":"format-disk"}\n'))).toMatchObject({
      id: 'a1',
      ok: false,
      error: { code: 'ERR_INVALID_MESSAGE' },
    });
    expect(await controlCall(daemon.dataDir, { op: 'protect.pending' })).toEqual({ pending: [] });
  });

  it('should approve and deny pending requests when the CLI decides', async () => {
    const client = await connectPaired(daemon, newInstall());
    const approved = client.request('register', { origin: 'http://localhost:3000', options: sampleCreationOptions() });
    await expect.poll(() => daemon.protect.pending().length).toBe(1);
    const { pending } = (await controlCall(daemon.dataDir, { op: 'protect.pending' })) as {
      pending: { id: string; action: string; origin: string }[];
    };
    expect(pending[0]).toMatchObject({ action: 'register', origin: 'http://localhost:3000' });
    expect(JSON.stringify(pending)).not.toContain('token');
    await controlCall(daemon.dataDir, { op: 'protect.approve', protectId: pending[0]!.id });
    expect(await approved).toMatchObject({ ok: true });

    const denied = client.request('register', { origin: 'http://localhost:3000', options: sampleCreationOptions() });
    await expect.poll(() => daemon.protect.pending().length).toBe(1);
    const id = daemon.protect.pending()[0]!.id;
    await controlCall(daemon.dataDir, { op: 'protect.deny', protectId: id });
    expect(await denied).toMatchObject({ ok: false, error: { code: 'ERR_USER_DENIED' } });
    await expect(controlCall(daemon.dataDir, { op: 'protect.approve', protectId: id })).rejects.toMatchObject({
      code: 'ERR_NOT_FOUND',
    });
    await client.close();
  });

  it('should report the daemon, Protect and paired extensions in status', async () => {
    const status = (await controlCall(daemon.dataDir, { op: 'status' })) as Record<
      string,
      Record<string, unknown> & unknown[]
    >;
    expect(status.daemon).toMatchObject({ running: true, port: daemon.port, uv: 'protect' });
    expect(status.protect).toMatchObject({ uv: 'protect', pending: 0 });
    expect((status.pairedExtensions as unknown[]).length).toBeGreaterThan(0);
    expect(JSON.stringify(status)).not.toMatch(/secret/i);
  });

  it('should say the daemon is not running when there is no control socket', async () => {
    const empty = await makeTempDir();
    try {
      await expect(controlCall(empty, { op: 'status' })).rejects.toMatchObject({ code: 'ERR_DAEMON_UNAVAILABLE' });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('should refuse to start a second daemon on the same data dir', async () => {
    await expect(startHarnessDaemon({ dataDir: daemon.dataDir })).rejects.toThrow(/already running/);
    expect(await controlCall(daemon.dataDir, { op: 'protect.pending' })).toEqual({ pending: [] });
  });
});
