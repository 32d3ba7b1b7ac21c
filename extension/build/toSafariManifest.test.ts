import { describe, expect, it } from 'vitest';
import { toSafariManifest } from './toSafariManifest.js';

describe('toSafariManifest', () => {
  it('should drop Chrome-only keys and use a non-persistent background when converting', () => {
    const chrome = {
      manifest_version: 3,
      name: 'Keybound',
      key: 'MIIB...',
      minimum_chrome_version: '116',
      storage: { managed_schema: 'managed_schema.json' },
      background: { service_worker: 'service-worker-loader.js', type: 'module' },
      permissions: ['storage'],
    };
    const safari = toSafariManifest(chrome);
    expect(safari).toEqual({
      manifest_version: 3,
      name: 'Keybound',
      permissions: ['storage'],
      browser_specific_settings: { safari: { strict_min_version: '16.4' } },
      background: { scripts: ['service-worker-loader.js'], type: 'module', persistent: false },
    });
    expect(chrome.key).toBe('MIIB...');
  });
});
