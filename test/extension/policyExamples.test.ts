/**
 * The example IT policy files in docs/policy must configure exactly what the extension reads:
 * the pinned id, and managed values that pass the extension's own managed-settings parser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXTENSION_ID } from '../../extension/src/extensionId.js';
import { managedFields, parseManagedSettings } from '../../extension/src/settings/settingsSchema.js';
import { REPO_ROOT } from '../setup/buildExtension.js';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

describe('IT policy examples', () => {
  it('should configure every managed key for the pinned id when used on Linux', () => {
    const policy = JSON.parse(read('docs/policy/chrome-linux-keybound.json'));
    expect(policy.ExtensionInstallForcelist[0]).toMatch(new RegExp(`^${EXTENSION_ID};https://`));
    const managed = policy['3rdparty'].extensions[EXTENSION_ID];
    expect(parseManagedSettings(managed)).toEqual(managed);
    expect(Object.keys(managed).sort()).toEqual(Object.keys(managedFields).sort());
  });

  it('should name the pinned id when used on macOS and Windows', () => {
    expect(read('docs/policy/chrome-macos-keybound.mobileconfig')).toContain(
      `com.google.Chrome.extensions.${EXTENSION_ID}`,
    );
    expect(read('docs/policy/chrome-windows-keybound.reg')).toContain(`3rdparty\\extensions\\${EXTENSION_ID}\\policy`);
  });

  it('should list the same keys in the managed schema as the extension parses', () => {
    const schema = JSON.parse(read('extension/managed_schema.json'));
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(managedFields).sort());
  });
});
