import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileAuditLog } from './FileAuditLog.js';

const dirs: string[] = [];
/** Resolves after the current event-loop turn, when the audit log has written its lines. */
const turnEnd = () => new Promise<void>((resolve) => setImmediate(resolve));
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('FileAuditLog', () => {
  it('should append one JSON line per event to audit.log with mode 0600', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kb-audit-'));
    dirs.push(dir);
    const log = new FileAuditLog(dir, () => new Date('2026-01-01T00:00:00Z'));
    log.record('registration.succeeded', { rpId: 'localhost', userName: 'ada@example.com' });
    log.record('protect.denied', { code: 'ERR_USER_DENIED' });
    await turnEnd();
    const lines = (await readFile(log.path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        at: '2026-01-01T00:00:00.000Z',
        event: 'registration.succeeded',
        rpId: 'localhost',
        userName: 'ada@example.com',
      },
      { at: '2026-01-01T00:00:00.000Z', event: 'protect.denied', code: 'ERR_USER_DENIED' },
    ]);
    expect((await stat(log.path)).mode & 0o777).toBe(0o600);
  });

  it('should drop fields that could hold secrets when a caller passes them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kb-audit-'));
    dirs.push(dir);
    const log = new FileAuditLog(dir);
    log.record('pairing.approved', {
      installId: 'i1',
      secret: 's3cr3t',
      pairingSecret: 'p',
      signature: 'sig',
      challenge: 'c'.repeat(43),
      privateKey: 'k',
      token: 't',
      proof: 'pr',
    });
    await turnEnd();
    const text = await readFile(log.path, 'utf8');
    expect(JSON.parse(text)).toEqual({ at: expect.any(String), event: 'pairing.approved', installId: 'i1' });
    for (const leaked of ['s3cr3t', 'sig', 'ccccc', '"pr"']) expect(text).not.toContain(leaked);
  });

  it('should write the lines of one event-loop turn together when the turn ends, and pending lines on close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kb-audit-'));
    dirs.push(dir);
    const log = new FileAuditLog(dir);
    log.record('signin.succeeded', { requestId: 'r1' });
    log.record('protect.approved', { requestId: 'r1' });
    expect(readFileSync(log.path, 'utf8')).toBe('');
    await turnEnd();
    expect(readFileSync(log.path, 'utf8').trim().split('\n')).toHaveLength(2);
    log.record('signin.succeeded', { requestId: 'r2' });
    log.close();
    expect(readFileSync(log.path, 'utf8').trim().split('\n')).toHaveLength(3);
  });
});
