/**
 * Ids the CLI prints are random base64url and about one in 32 begins with "-". Each command that
 * takes an id must take it as printed, not as an unknown option; a mistyped option is still one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevDaemon, startDevDaemon } from '../../dev/startDevDaemon.js';
import { runKeybound as keybound } from './runKeybound.js';

let daemon: DevDaemon;
let portalDir: string;

beforeAll(async () => {
  daemon = await startDevDaemon({ uv: 'protect', preauthorizePairing: true });
  portalDir = await mkdtemp(join(tmpdir(), 'keybound-dash-ids-'));
});

afterAll(async () => {
  await daemon?.stop();
  if (portalDir) await rm(portalDir, { recursive: true, force: true });
});

describe('ids that begin with "-"', () => {
  it.each([
    ['protect approve', ['approve', '-REd619VvX-6opllcIZH5A'], 'No pending Protect request'],
    ['protect deny', ['deny', '-REd619VvX-6opllcIZH5A'], 'No pending Protect request'],
    ['protect totp code', ['totp', 'code', '-th4YdaZp5RgRLpJ'], '-th4YdaZp5RgRLpJ'],
    ['protect accounts show', ['accounts', 'show', '-Y4PpTDBkQ7uYw1Zb2c3d4e5f6g7h8i9j0kLmNoPqRs'], '-Y4PpTDBk'],
  ])('should take the id as printed in `%s`', async (_name, args, expected) => {
    const { code, stderr } = await keybound(['protect', '--data-dir', daemon.dataDir, ...args]);
    expect(stderr).not.toContain('unknown option');
    // The daemon looked the id up (and found nothing), which names the id or the request.
    expect(stderr).toContain(expected);
    expect(code).not.toBe(0);
  });

  it('should take the id as printed in `admin credential delete`', async () => {
    const id = '-Y4PpTDBkQ7uYw1Zb2c3d4e5f6g7h8i9j0kLmNoPqRs';
    const db = join(portalDir, 'portal.sqlite');
    const { code, stderr } = await keybound(['admin', '--db', db, 'credential', 'delete', id]);
    expect(stderr).not.toContain('unknown option');
    expect(stderr).toContain(`No credential "${id}"`);
    expect(code).not.toBe(0);
  });

  it('should still report a mistyped option as an unknown option', async () => {
    const { code, stderr } = await keybound(['protect', '--data-dir', daemon.dataDir, 'approve', '--jsn']);
    expect(stderr).toContain("unknown option '--jsn'");
    expect(code).toBe(1);
  });
});
