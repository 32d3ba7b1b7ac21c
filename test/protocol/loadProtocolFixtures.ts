/**
 * Reads the golden protocol fixtures (format: test/fixtures/protocol/README.md). Each side's tests
 * (daemon, extension, portal) call this and run every message through their own boundary.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROTOCOL_FIXTURES_DIR = fileURLToPath(new URL('../fixtures/protocol/', import.meta.url));

export interface ProtocolFixture {
  /** File name, e.g. `valid/hello-request.json`. */
  file: string;
  valid: boolean;
  /** Key of `fixtureSchemas` (test/protocol/fixtureSchemas.ts). */
  schema: string;
  description: string;
  message: unknown;
  /** The message exactly as it would arrive on a wire: JSON text. */
  raw: string;
  /** Invalid fixtures only: the code a boundary must answer with. */
  expectedCode?: string;
  /** Invalid fixtures only: a fragment of the parse error message that shows the intended failure. */
  expectedMessage?: string;
  /** Optional data needed to check a valid message further (e.g. verify a WebAuthn response). */
  context?: Record<string, unknown>;
}

/** All fixtures, valid first, each folder sorted by file name. */
export function loadProtocolFixtures(): ProtocolFixture[] {
  return (['valid', 'invalid'] as const).flatMap((folder) =>
    readdirSync(join(PROTOCOL_FIXTURES_DIR, folder))
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => {
        const file = `${folder}/${name}`;
        const data = JSON.parse(readFileSync(join(PROTOCOL_FIXTURES_DIR, file), 'utf8')) as Omit<
          ProtocolFixture,
          'file' | 'valid' | 'raw'
        >;
        return { ...data, file, valid: folder === 'valid', raw: JSON.stringify(data.message) };
      }),
  );
}
