/**
 * The device-health page: each posture rule of the organisation, its state on this device, and
 * how to fix it; plus the banner the home page shows for failing `warn` rules (with the day the
 * grace period ends) and for a rule that blocks.
 */
import type { PostureReport } from '../posture/postureReport.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function postureBanner(report: PostureReport): SafeHtml | '' {
  if (report.blockedBy) {
    const b = report.blockedBy;
    return html`<div id="posture-banner" class="banner blocked" data-rule="${b.rule}"><strong>This device is blocked by your organisation’s device policy: ${b.title}.</strong> <span class="fix">${b.fix}</span> <a href="/device-health">Device health</a></div>`;
  }
  if (report.warnings.length === 0) return '';
  const items = report.warnings.map(
    (w) =>
      html`<li data-rule="${w.rule}">${w.title}: <span class="fix">${w.fix}</span>${
        w.graceEndsAt
          ? html` Protected apps are blocked from <span class="grace-ends">${day(w.graceEndsAt)}</span>.`
          : ''
      }</li>`,
  );
  return html`<div id="posture-banner" class="banner warn"><strong>Your device needs attention.</strong><ul>${items}</ul><a href="/device-health">Device health</a></div>`;
}

export function deviceHealthPage(o: { csrfToken: string; email: string; report: PostureReport | undefined }): SafeHtml {
  const rows =
    o.report?.outcomes.map(
      (r) =>
        html`<tr data-rule="${r.rule}" data-state="${r.state}" data-mode="${r.mode}"><td>${r.title}</td><td class="state">${
          r.state === 'pass' ? 'OK' : r.state === 'unknown' ? 'Unknown' : 'Failing'
        }</td><td>${r.observed}</td><td>${r.blocking ? 'blocks' : r.mode}${
          r.graceEndsAt && !r.blocking ? html` until ${day(r.graceEndsAt)}` : ''
        }</td><td class="fix">${r.state === 'pass' ? '' : r.fix}</td></tr>`,
    ) ?? [];
  return layout({
    title: 'Device health',
    csrfToken: o.csrfToken,
    signedInAs: o.email,
    body: html`<h1 id="heading">Device health</h1>
${
  !o.report
    ? html`<p id="no-device">This session did not come from device sign-in, so there is no device to check.</p>`
    : rows.length === 0
      ? html`<p id="no-rules">Your organisation has no device posture rules.</p>`
      : html`<table id="posture"><thead><tr><th>Rule</th><th>State</th><th>Reported</th><th>Mode</th><th>How to fix</th></tr></thead><tbody>${rows}</tbody></table>`
}
<p><a href="/">Back to your apps</a></p>`,
  });
}
