import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JsonStateFile } from './JsonStateFile.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function stateFile() {
  const d = await mkdtemp(join(tmpdir(), 'kb-state-'));
  dirs.push(d);
  return new JsonStateFile(join(d, 'state.json'), z.object({ n: z.number() }).strict());
}

describe('JsonStateFile', () => {
  it('should return undefined when the file does not exist', async () => {
    expect(await (await stateFile()).read()).toBeUndefined();
  });

  it('should read back what it wrote', async () => {
    const file = await stateFile();
    await file.write({ n: 3 });
    expect(await file.read()).toEqual({ n: 3 });
  });

  it('should throw ERR_STATE_CORRUPT and keep the file when it is not JSON', async () => {
    const file = await stateFile();
    await writeFile(file.path, '{"n": 3');
    await expect(file.read()).rejects.toMatchObject({ code: 'ERR_STATE_CORRUPT' });
    expect(await readFile(file.path, 'utf8')).toBe('{"n": 3');
  });

  it('should throw ERR_STATE_CORRUPT naming the field when the schema does not match', async () => {
    const file = await stateFile();
    await writeFile(file.path, '{"n": "three"}');
    await expect(file.read()).rejects.toMatchObject({
      code: 'ERR_STATE_CORRUPT',
      message: expect.stringContaining('n:'),
    });
  });

  it('should throw ERR_STATE_CORRUPT when the file has unknown keys', async () => {
    const file = await stateFile();
    await writeFile(file.path, '{"n": 1, "extra": true}');
    await expect(file.read()).rejects.toMatchObject({ code: 'ERR_STATE_CORRUPT' });
  });
});
