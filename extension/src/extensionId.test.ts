import { describe, expect, it } from 'vitest';
import { EXTENSION_ID, EXTENSION_ORIGIN, EXTENSION_PUBLIC_KEY, extensionIdFromPublicKey } from './extensionId.js';

describe('extensionId', () => {
  it('should match the id Chrome derives from the manifest key when the key is unchanged', async () => {
    expect(await extensionIdFromPublicKey(EXTENSION_PUBLIC_KEY)).toBe(EXTENSION_ID);
    expect(EXTENSION_ID).toMatch(/^[a-p]{32}$/);
    expect(EXTENSION_ORIGIN).toBe(`chrome-extension://${EXTENSION_ID}`);
  });
});
