/**
 * Size of a structured-clone message, measured as its JSON text. Shared by the content script's
 * envelope check and the worker's channel receiver; kept apart from the receiver (which imports
 * zod) so the content script's bundle stays free of zod.
 */

/** Byte length of `raw` as JSON, or undefined if it is not JSON (a cycle, a BigInt, nothing). */
export function structuredMessageBytes(raw: unknown): number | undefined {
  try {
    const text = JSON.stringify(raw);
    return text === undefined ? undefined : new TextEncoder().encode(text).byteLength;
  } catch {
    return undefined;
  }
}
