/**
 * Bounded waits for tests: a helper that waits on the system under test fails with a sentence
 * naming what it waited for, instead of hanging until vitest's hook timeout (or forever).
 * The limits are generous on purpose — they catch a hang, they never time the code.
 */

/** Generous default for one wait in a test helper: far beyond any slow-machine delay. */
export const HELPER_WAIT_MS = 20_000;

/** Resolves like `promise`, or rejects with "timed out after Nms waiting for <what>". */
export function within<T>(promise: Promise<T>, what: string, ms = HELPER_WAIT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
