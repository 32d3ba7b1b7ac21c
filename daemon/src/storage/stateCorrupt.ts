/**
 * The one way a damaged state file is reported: ERR_STATE_CORRUPT naming the file (its name in
 * the data folder — never the full path, which would tell a web page the user's home directory)
 * and what the user can do about it.
 */
import { basename } from 'node:path';
import { KeyStoreError } from '../../../shared/errors.js';

export function stateCorrupt(file: string, problem: string, fix: string, options?: { cause?: unknown }): KeyStoreError {
  return new KeyStoreError(
    'ERR_STATE_CORRUPT',
    `${basename(file)} in Keybound's data folder ${problem}. ${fix}`,
    options,
  );
}

/**
 * A stand-in for a part that could not be opened: every method throws `error` (ERR_STATE_CORRUPT),
 * so only what needs the damaged file fails; `close` does nothing.
 */
export function damagedStandIn<T extends object>(error: Error): T {
  return new Proxy({} as T, {
    get: (_t, name) => {
      if (name === 'then') return undefined;
      if (name === 'close') return () => undefined;
      return () => {
        throw error;
      };
    },
  });
}
