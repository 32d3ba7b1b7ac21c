/**
 * The IT policy files in docs/policy are what `keybound extension policy` writes for the
 * documented example (so the docs cannot drift from the generator), and configure exactly what
 * the extension reads: managed values that pass the extension's own managed-settings parser.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildExtensionPolicy } from '../../deploy/src/policy/buildExtensionPolicy.js';
import { writePolicyFiles } from '../../deploy/src/policy/writePolicyFiles.js';
import { REPO_ROOT } from '../../dev/buildExtension.js';
import { EXTENSION_ID } from '../../extension/src/extensionId.js';
import { managedFields, parseManagedSettings } from '../../extension/src/settings/settingsSchema.js';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const UPDATE_URL = 'https://it.example.com/keybound/updates.xml';

describe('IT policy examples', () => {
  it('should be exactly what the generator writes for the documented example', async () => {
    const policy = buildExtensionPolicy({
      extensionId: EXTENSION_ID,
      updateUrl: UPDATE_URL,
      managed: {
        portalOrigins: ['https://portal.example.com'],
        ssoLoginOrigins: ['https://login.example.com'],
        daemonPort: 28170,
        pairingPreauthorized: true,
      },
    });
    const dir = await mkdtemp(join(tmpdir(), 'keybound-policy-'));
    try {
      const files = await writePolicyFiles(dir, policy, { organisation: 'Example Organisation' });
      expect(files.length).toBe(7);
      for (const file of files) {
        expect(read(`docs/policy/${basename(file)}`), basename(file)).toBe(await readFile(file, 'utf8'));
      }
      const documented = (await readdir(join(REPO_ROOT, 'docs/policy'))).filter((f) => f !== 'README.md');
      expect(documented.sort()).toEqual(files.map((f) => basename(f)).sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('should force-install from the update URL and configure every managed key on Linux', () => {
    const policy = JSON.parse(read('docs/policy/keybound-policy.json'));
    expect(policy.ExtensionInstallForcelist).toEqual([`${EXTENSION_ID};${UPDATE_URL}`]);
    expect(policy.ExtensionSettings[EXTENSION_ID]).toMatchObject({
      installation_mode: 'force_installed',
      update_url: UPDATE_URL,
    });
    const managed = policy['3rdparty'].extensions[EXTENSION_ID];
    expect(parseManagedSettings(managed)).toEqual(managed);
    expect(Object.keys(managed).sort()).toEqual(Object.keys(managedFields).sort());
  });

  it('should use each browser’s own policy domain on macOS and registry key on Windows', () => {
    expect(read('docs/policy/keybound-chrome.mobileconfig')).toContain(`com.google.Chrome.extensions.${EXTENSION_ID}`);
    expect(read('docs/policy/keybound-edge.mobileconfig')).toContain(`com.microsoft.Edge.extensions.${EXTENSION_ID}`);
    expect(read('docs/policy/keybound-chromium.reg')).toContain(
      `HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Chromium\\3rdparty\\extensions\\${EXTENSION_ID}\\policy]`,
    );
    expect(read('docs/policy/keybound-edge.reg')).toContain(
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Edge\\ExtensionInstallForcelist]\r\n"1"=',
    );
  });

  it('should list the same keys in the managed schema as the extension parses', () => {
    const schema = JSON.parse(read('extension/managed_schema.json'));
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(managedFields).sort());
  });

  it('should reject a policy for a malformed id or an origin the extension would ignore', () => {
    const base = { extensionId: EXTENSION_ID, updateUrl: UPDATE_URL, managed: {} };
    expect(() => buildExtensionPolicy({ ...base, extensionId: 'CAFM' })).toThrow(/not an extension id/);
    expect(() => buildExtensionPolicy({ ...base, managed: { portalOrigins: ['http://portal.example.com'] } })).toThrow(
      /Invalid managed value for portalOrigins/,
    );
  });
});
