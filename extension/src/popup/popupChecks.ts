/**
 * The `keybound doctor` links the extension can see from its side, under the same titles
 * (shared/doctor/doctorChecks.ts): the daemon answering on its port, this install paired, IT's
 * policy seen, the device enrolled, Protect ready. Pure, so it is tested without a browser.
 */
import { type DoctorResult, doctorResult } from '../../../shared/doctor/doctorChecks.js';
import type { Overview } from '../messaging/channels.js';

export function popupChecks(view: Overview): DoctorResult[] {
  const connected = view.connection === 'connected';
  const results: DoctorResult[] = [
    connected
      ? doctorResult('port', 'ok', `ws://127.0.0.1:${view.daemonPort ?? '?'} answers`)
      : doctorResult(
          'port',
          view.connection === 'unavailable' ? 'fail' : 'warn',
          view.daemonPort === undefined
            ? `this user's daemon: ${view.connection}`
            : `ws://127.0.0.1:${view.daemonPort}: ${view.connection}`,
          'run `keybound doctor` on this device',
        ),
    connected
      ? doctorResult('extension', 'ok', 'paired with the daemon')
      : doctorResult(
          'extension',
          view.connection === 'pairing' ? 'warn' : 'skip',
          view.connection === 'pairing' ? 'approve the pairing in Protect' : 'not connected',
        ),
    view.managedKeys.length > 0
      ? doctorResult('policy', 'ok', `managed: ${view.managedKeys.join(', ')}`)
      : doctorResult(
          'policy',
          'warn',
          'no managed configuration: settings are your own',
          'IT: deploy the Keybound policy',
        ),
  ];
  const enrollment = view.device?.enrollment.state;
  if (enrollment === undefined) results.push(doctorResult('enrollment', 'skip', 'not connected'));
  else if (enrollment === 'enrolled') results.push(doctorResult('enrollment', 'ok', 'enrolled'));
  else
    results.push(
      doctorResult(
        'enrollment',
        'fail',
        enrollment === 'not-enrolled' ? 'not enrolled' : 'enrollment unknown',
        "enroll this device in your organisation's device management",
      ),
    );
  const eligibility = view.eligibility;
  if (!eligibility) results.push(doctorResult('protect', 'skip', 'not connected'));
  else if (eligibility.eligible) results.push(doctorResult('protect', 'ok', 'ready for device sign-in'));
  else results.push(doctorResult('protect', 'fail', eligibility.problem?.message ?? 'not ready'));
  return results;
}
