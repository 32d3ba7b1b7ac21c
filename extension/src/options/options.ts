/**
 * The options page: local settings (portal origins, SSO login origins, daemon port). Values set
 * by IT policy (storage.managed) win; they are shown read-only with a note. Managed storage can
 * take a few seconds right after browser start, so the form is usable before it answers.
 */
import browser from 'webextension-polyfill';
import { managedStorage } from '../compat/browserDifferences.js';
import { LOCAL_SETTINGS_KEY } from '../settings/SettingsSource.js';
import {
  canonicalOrigin,
  combineSettings,
  type LocalSettings,
  type ManagedSettings,
  parseLocalSettings,
  parseManagedSettings,
} from '../settings/settingsSchema.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const portalField = $<HTMLTextAreaElement>('portalOrigins');
const ssoField = $<HTMLTextAreaElement>('ssoLoginOrigins');
const portField = $<HTMLInputElement>('daemonPort');

let local: LocalSettings = parseLocalSettings(undefined);
let managed: ManagedSettings = {};

function render(): void {
  const effective = combineSettings(local, managed);
  portalField.value = effective.portalOrigins.join('\n');
  ssoField.value = effective.ssoLoginOrigins.join('\n');
  portField.value = String(effective.daemonPort);
  for (const [key, field] of [
    ['portalOrigins', portalField],
    ['ssoLoginOrigins', ssoField],
    ['daemonPort', portField],
  ] as const) {
    const isManaged = effective.managedKeys.includes(key);
    field.readOnly = isManaged;
    (document.querySelector(`[data-managed="${key}"]`) as HTMLElement).hidden = !isManaged;
  }
  $('policy').textContent =
    effective.managedKeys.length > 0
      ? 'Some settings are managed by your IT department and cannot be changed here.'
      : 'No IT policy applies to this extension.';
  $('pairing').textContent = effective.pairingPreauthorized
    ? 'IT has pre-authorised pairing this browser with the Keybound daemon.'
    : 'The first connection to the daemon asks you to approve the pairing in Protect.';
}

/** Parses one origin per line; returns the bad lines so the user can fix them. */
function parseOrigins(text: string): { origins: string[]; bad: string[] } {
  const origins: string[] = [];
  const bad: string[] = [];
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const origin = canonicalOrigin(line);
    if (origin) origins.push(origin);
    else bad.push(line);
  }
  return { origins: [...new Set(origins)], bad };
}

$<HTMLFormElement>('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const portals = parseOrigins(portalField.value);
  const sso = parseOrigins(ssoField.value);
  const port = Number(portField.value);
  const bad = [...portals.bad, ...sso.bad];
  if (bad.length > 0) {
    $('saved').textContent = `Not saved: "${bad[0]}" is not an https:// address (or http://localhost).`;
    return;
  }
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    $('saved').textContent = 'Not saved: the port must be a number from 1 to 65535.';
    return;
  }
  local = { portalOrigins: portals.origins, ssoLoginOrigins: sso.origins, daemonPort: port };
  await browser.storage.local.set({ [LOCAL_SETTINGS_KEY]: local });
  $('saved').textContent = 'Saved.';
  render();
});

async function load(): Promise<void> {
  local = parseLocalSettings((await browser.storage.local.get(LOCAL_SETTINGS_KEY))[LOCAL_SETTINGS_KEY]);
  render();
  try {
    managed = parseManagedSettings((await managedStorage(browser)?.get(null)) ?? {});
  } catch {
    managed = {};
  }
  render();
}

browser.storage.onChanged.addListener((_changes, area) => {
  if (area === 'managed' || area === 'local') void load();
});

void load();
