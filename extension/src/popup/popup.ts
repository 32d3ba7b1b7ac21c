/**
 * The popup: daemon connection, device enrollment and Protect state, whether this device is
 * registered with each configured portal, the device sign-in toggle, and every problem in plain
 * words with its fix. All data comes from the worker over the `popup:background` channel and is
 * written with textContent only.
 */
import browser from 'webextension-polyfill';
import type { ChannelEnvelope, Overview } from '../messaging/channels.js';
import { sendOnChannel } from '../messaging/sendOnChannel.js';
import { explainProblem, ORPHANED_TEXT } from './explainProblem.js';
import { popupChecks } from './popupChecks.js';

const transport = (message: ChannelEnvelope) => browser.runtime.sendMessage(message);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const CONNECTION_TEXT: Record<Overview['connection'], string> = {
  connected: 'Connected to the Keybound daemon.',
  connecting: 'Connecting to the Keybound daemon…',
  pairing: 'Pairing this browser with the device: approve it in the Protect window.',
  unavailable: 'The Keybound daemon is not reachable.',
  idle: 'Not connected yet.',
};

const ENROLLMENT_TEXT: Record<string, string> = {
  'apple-automated': 'Apple Automated Device Enrollment (company-owned)',
  'apple-profile': 'Apple profile-driven enrollment (company-owned)',
  'apple-user': 'Apple User Enrollment (personal device)',
  'android-work-profile': 'Android Enterprise work profile (personal device)',
  'android-fully-managed': 'Android fully managed',
  'desktop-agent': 'Desktop agent enrollment',
};

function showProblem(problem: { code: string; message: string } | undefined): void {
  $('problem').hidden = problem === undefined;
  if (!problem) return;
  const { problem: text, fix } = explainProblem(problem);
  $('problem-text').textContent = text;
  $('problem-fix').textContent = fix;
}

function row(list: HTMLElement, term: string, value: string): void {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  list.append(dt, dd);
}

const CHECK_MARK = { ok: 'ok', warn: 'warning', fail: 'broken', skip: 'not checked' } as const;

/** The doctor's links as the extension sees them, with the doctor's words. */
function renderChecks(view: Overview): void {
  const list = $('checks');
  list.replaceChildren();
  for (const check of popupChecks(view)) {
    const li = document.createElement('li');
    li.dataset.status = check.status;
    li.textContent = `${check.title}: ${CHECK_MARK[check.status]} (${check.detail})${check.fix && check.status !== 'ok' ? `. ${check.fix}` : ''}`;
    list.append(li);
  }
}

const yesNo = (value: boolean) => (value ? 'yes' : 'no');

function render(view: Overview): void {
  // IT set at least one value by policy; those win over the user's own settings.
  $('managed').hidden = view.managedKeys.length === 0;
  renderChecks(view);
  $('connection').textContent =
    `${CONNECTION_TEXT[view.connection]}${view.daemonPort === undefined ? '' : ` (port ${view.daemonPort})`}`;
  showProblem(view.problem ?? (view.eligibility?.eligible === false ? view.eligibility.problem : undefined));

  const device = $('device');
  device.replaceChildren();
  if (view.device) {
    const { enrollment, protect, userVerification, platform } = view.device;
    row(device, 'Platform', platform);
    row(
      device,
      'Enrollment',
      enrollment.state === 'enrolled'
        ? `${ENROLLMENT_TEXT[enrollment.type ?? ''] ?? 'enrolled'}${enrollment.organisation ? `, ${enrollment.organisation}` : ''}`
        : enrollment.state === 'not-enrolled'
          ? 'not enrolled'
          : 'unknown',
    );
    row(
      device,
      'Protect',
      protect.installed ? `installed${protect.managed ? ', managed' : ', personal copy'}` : 'not installed',
    );
    row(device, 'Protect opened', yesNo(protect.opened));
    row(device, 'Notifications', yesNo(protect.notifications));
    row(device, 'Biometrics / PIN', `${yesNo(userVerification.biometrics)} / ${yesNo(userVerification.pin)}`);
  }

  const portals = $('portals');
  portals.replaceChildren();
  if (view.portals.length === 0) {
    const li = document.createElement('li');
    li.textContent = 'No portal is configured. Open Settings to add your portal address.';
    portals.append(li);
  }
  for (const portal of view.portals) {
    const li = document.createElement('li');
    const state = portal.orphaned
      ? ORPHANED_TEXT
      : portal.registered === null
        ? 'unknown'
        : portal.registered
          ? 'registered'
          : 'not registered';
    li.textContent = `${portal.origin}${portal.kind === 'sso' ? ' (SSO login)' : ''}: ${state}`;
    if (portal.orphaned) li.dataset.orphaned = 'true';
    portals.append(li);
  }

  const toggle = $<HTMLInputElement>('device-signin');
  toggle.disabled = view.daemonSettings === undefined;
  toggle.checked = view.daemonSettings?.deviceSignIn ?? false;
}

/**
 * Bumped by each change the user makes here: an overview asked for before it (the popup follows
 * the worker every second) is stale and must not put the old value back under the user's click.
 */
let generation = 0;
let changing = false;

async function refresh(): Promise<void> {
  const asked = generation;
  const answer = await sendOnChannel(transport, 'popup:background', 'overview', {});
  if (asked !== generation || changing) return;
  if (!answer.ok) return showProblem(answer.error);
  if (!answer.value.ok) return showProblem(answer.value.error);
  render(answer.value.result);
}

$('retry').addEventListener('click', async () => {
  $('connection').textContent = CONNECTION_TEXT.connecting;
  await sendOnChannel(transport, 'popup:background', 'reconnect', {});
  await refresh();
});

$<HTMLInputElement>('device-signin').addEventListener('change', async (event) => {
  const toggle = event.currentTarget as HTMLInputElement;
  toggle.disabled = true;
  generation++;
  changing = true;
  try {
    const answer = await sendOnChannel(transport, 'popup:background', 'settings.set', {
      deviceSignIn: toggle.checked,
    });
    if (!answer.ok) showProblem(answer.error);
    else if (!answer.value.ok) showProblem(answer.value.error);
  } finally {
    changing = false;
  }
  await refresh();
});

/**
 * The popup follows the worker while it is open: pairing approved in Protect, a daemon that comes
 * up or goes away, a setting changed elsewhere. One overview at a time, every second, stopped when
 * the popup closes (the worker holds no list of popups to notify, so nothing outlives it).
 */
const FOLLOW_MS = 1_000;
let following: ReturnType<typeof setTimeout> | undefined;
async function follow(): Promise<void> {
  await refresh().catch(() => undefined);
  following = setTimeout(follow, FOLLOW_MS);
}
window.addEventListener('pagehide', () => clearTimeout(following));
void follow();
