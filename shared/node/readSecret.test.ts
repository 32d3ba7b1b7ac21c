import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readSecret } from './readSecret.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function source(over: Partial<Parameters<typeof readSecret>[0]> = {}) {
  const stderr = new PassThrough();
  let warned = '';
  stderr.on('data', (d: Buffer) => {
    warned += d;
  });
  return {
    args: {
      label: 'password',
      argOption: '--password',
      fileOption: '--password-file',
      stdin: Readable.from([Buffer.from('from stdin\n')]),
      stderr,
      ...over,
    },
    warned: () => warned,
  };
}

describe('readSecret', () => {
  it('should read a file and drop one trailing newline when --password-file names one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kb-secret-'));
    dirs.push(dir);
    await writeFile(join(dir, 'pw'), 'two words \n', { mode: 0o600 });
    const s = source({ file: join(dir, 'pw') });
    expect(await readSecret(s.args)).toBe('two words ');
    expect(s.warned()).toBe('');
  });

  it('should read standard input when it is not a terminal or the file is "-"', async () => {
    expect(await readSecret(source().args)).toBe('from stdin');
    expect(await readSecret(source({ file: '-' }).args)).toBe('from stdin');
  });

  it('should accept the argument form but warn where it can be read', async () => {
    const s = source({ value: 'visible' });
    expect(await readSecret(s.args)).toBe('visible');
    expect(s.warned()).toMatch(/^warning: --password puts the password where other users .*--password-file/);
  });

  it('should refuse an empty secret, a missing file and both forms at once with a sentence', async () => {
    await expect(readSecret(source({ stdin: Readable.from([Buffer.from('\n')]) }).args)).rejects.toThrow(
      'The password is empty',
    );
    await expect(readSecret(source({ file: '/nonexistent/pw' }).args)).rejects.toThrow(
      'Cannot read the password from /nonexistent/pw: ENOENT',
    );
    await expect(readSecret(source({ value: 'a', file: 'b' }).args)).rejects.toThrow(/not both/);
  });
});
