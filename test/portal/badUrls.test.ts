/**
 * Bad URLs are client errors (issue 9): a broken %-escape, `../` or a NUL byte — under /static and
 * elsewhere — answers 400 or 404 and is logged at info, never a 500 with a stack at error level.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPortal, startPortal } from '../../portal/src/startPortal.js';
import { createLogger } from '../../shared/node/createLogger.js';
import { httpRequest } from '../helpers/rawHttp.js';

let dir: string;
let portal: RunningPortal;
const lines: Array<{ level: number; event?: string; code?: string; err?: unknown }> = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kb-badurl-'));
  const logger = createLogger('portal', {
    level: 'info',
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });
  portal = await startPortal({ port: 0, database: join(dir, 'portal.sqlite'), logger });
});
afterAll(async () => {
  await portal?.close();
  await rm(dir, { recursive: true, force: true });
});

const BAD = [
  '/static/%ZZ',
  '/static/..%2f..%2fpackage.json',
  '/static/../../package.json',
  '/static/%2e%2e/%2e%2e/package.json',
  '/static/a%00b.css',
  '/static/%00',
  '/static/portal.css%ZZ',
  '/signin/%ZZ',
  '/%ZZ',
  '/api/%ZZ',
];

describe('bad URLs', () => {
  it.each(BAD)('should answer %s with 400 or 404 and log it at info', async (path) => {
    const before = lines.length;
    const res = await httpRequest(portal.port, {
      path,
      headers: { host: new URL(portal.origin).host, accept: 'text/html' },
    });
    expect([400, 404]).toContain(res.status);
    expect(res.body).not.toMatch(/at .*\.(ts|js):\d+/); // no stack
    const logged = lines.slice(before);
    expect(logged.filter((l) => l.level >= 50)).toEqual([]);
    expect(logged.some((l) => l.level === 30 && l.event === 'http.refused')).toBe(true);
  });

  it('should still serve a real static file after the bad requests', async () => {
    const res = await httpRequest(portal.port, {
      path: '/static/portal.css',
      headers: { host: new URL(portal.origin).host },
    });
    expect(res.status).toBe(200);
  });
});
