import { decodeProtectedHeader } from 'jose';
import { MAX_DEVICE_STATEMENT_CHARS } from './deviceStatementSchema.js';

/**
 * The device id (header `kid`) of a statement, read without verifying it, so the portal can look
 * up the device's key before calling {@link verifyDeviceStatement}. Undefined if unreadable.
 */
export function decodeDeviceStatementKid(jws: unknown): string | undefined {
  if (typeof jws !== 'string' || jws.length > MAX_DEVICE_STATEMENT_CHARS) return undefined;
  try {
    const { kid } = decodeProtectedHeader(jws);
    return typeof kid === 'string' && kid.length > 0 && kid.length <= 128 ? kid : undefined;
  } catch {
    return undefined;
  }
}
