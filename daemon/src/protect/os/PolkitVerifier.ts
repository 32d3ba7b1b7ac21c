/**
 * Host-mode user verification on Linux: polkit asks the user (password, or a fingerprint where
 * the PAM stack offers one) through the desktop's authentication agent, for the action
 * `dev.keybound.verify-user` (`auth_self`: the user proves it is them, not an administrator).
 * The subject is the daemon's own process; only polkit's answer resolves `verify`, so the UV flag
 * the authenticator sets afterwards means "the OS verified this user". No other process can
 * answer for the user: the agent hands the secret to polkit's setuid helper, never to us.
 *
 * The prompt says what is being approved (details, incl. `polkit.message`). polkit accepts
 * details only from root or the action's owners (the policy's `org.freedesktop.policykit.owner`);
 * when it refuses them, the check is repeated without, and the prompt shows the policy's generic
 * message. See docs/daemon.md, "Host-mode user verification".
 */
import { KeyboundError, ProtectError } from '../../../../shared/errors.js';
import type { Logger } from '../../../../shared/node/createLogger.js';
import { PROTECT_TIMEOUT_MS } from '../../../../shared/protocol/version.js';
import type { AuditLog } from '../../audit/AuditLog.js';
import type { UserVerifier, VerificationRequest, VerifiedHandle } from '../UserVerifier.js';
import { checkPolkitAuthorization, type PolkitCheckResult } from './checkPolkitAuthorization.js';
import { describeVerification } from './describeVerification.js';
import { type ProcessSubject, processSubject } from './processSubject.js';

export const POLKIT_ACTION_ID = 'dev.keybound.verify-user';
/** OS prompts waiting at once; beyond this requests are refused (no prompt bombing). */
const MAX_PENDING = 8;
const DOCS = 'docs/daemon.md, "Host-mode user verification"';

export interface PolkitVerifierOptions {
  logger: Logger;
  audit?: AuditLog;
  timeoutMs?: number;
  /** The system bus; defaults to the standard socket (tests pass their private bus). */
  busAddress?: string;
  /** Tests may check on behalf of another subject; the daemon always uses itself. */
  subject?: () => Promise<ProcessSubject>;
}

export class PolkitVerifier implements UserVerifier {
  readonly backend = 'polkit' as const;
  private pending = 0;
  private subject: Promise<ProcessSubject> | undefined;
  private warnedDetails = false;

  constructor(private readonly options: PolkitVerifierOptions) {}

  async verify(request: VerificationRequest): Promise<VerifiedHandle> {
    if (request.signal?.aborted) throw cancelled();
    if (this.pending >= MAX_PENDING) {
      throw new KeyboundError(
        'ERR_TOO_MANY_PENDING',
        'Too many requests are waiting for the system prompt. Try again later.',
      );
    }
    this.pending++;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.options.timeoutMs ?? PROTECT_TIMEOUT_MS);
    timer.unref();
    const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;
    try {
      const result = await this.check(request, signal);
      return this.interpret(result, request, timeout.signal.aborted);
    } finally {
      clearTimeout(timer);
      this.pending--;
    }
  }

  private async check(request: VerificationRequest, signal: AbortSignal): Promise<PolkitCheckResult> {
    let subject: ProcessSubject;
    try {
      this.subject ??= (this.options.subject ?? processSubject)();
      subject = await this.subject;
    } catch (err) {
      this.subject = undefined;
      throw unavailable(`Keybound cannot describe its own process to polkit (${(err as Error).message}).`);
    }
    const { message, fields } = describeVerification(request);
    const base = { actionId: POLKIT_ACTION_ID, subject, signal, busAddress: this.options.busAddress };
    const result = await checkPolkitAuthorization({ ...base, details: { 'polkit.message': message, ...fields } });
    if (result.kind !== 'error' || !refusedDetails(result)) return result;
    if (!this.warnedDetails) {
      this.warnedDetails = true;
      this.options.logger.warn(
        { event: 'uv.polkit_details_refused', code: 'ERR_UV_DETAILS_REFUSED' },
        `polkit shows a generic prompt: this user is not an owner of ${POLKIT_ACTION_ID}. Reinstall the policy with this user among its owners (${DOCS}).`,
      );
    }
    return checkPolkitAuthorization({ ...base, details: {} });
  }

  private interpret(result: PolkitCheckResult, request: VerificationRequest, timedOut: boolean): VerifiedHandle {
    const fields = { action: request.action, origin: request.origin, rpId: request.rpId, via: 'polkit' };
    const { audit, logger } = this.options;
    switch (result.kind) {
      case 'answer':
        if (result.authorized) {
          audit?.record('protect.approved', fields);
          logger.info({ event: 'uv.approved', via: 'polkit', action: request.action }, 'the OS verified the user');
          return { complete: () => {} };
        }
        if (result.challenge) {
          logger.warn({ event: 'uv.no_agent', code: 'ERR_UV_NO_AGENT' }, 'no polkit authentication agent');
          throw new ProtectError(
            'ERR_UV_NO_AGENT',
            'No polkit authentication agent is running in your desktop session, so Keybound cannot ask you to confirm it is you. Sign in to a graphical session (GNOME, KDE and most desktops start an agent), or start one (e.g. lxpolkit or polkit-gnome), then try again.',
          );
        }
        audit?.record('protect.denied', fields);
        throw new ProtectError(
          'ERR_USER_DENIED',
          result.dismissed
            ? 'You closed the system prompt, so the request was not approved.'
            : 'The system did not confirm it is you, so the request was not approved.',
        );
      case 'cancelled':
        if (!timedOut) throw cancelled();
        audit?.record('protect.timeout', fields);
        throw new ProtectError(
          'ERR_USER_VERIFICATION_TIMEOUT',
          'The system prompt was not answered in time. Try again.',
        );
      case 'no-bus':
        throw unavailable(
          `Keybound cannot reach the system D-Bus (${result.reason}), so polkit cannot verify you. Install and start D-Bus and polkit (Debian/Ubuntu: apt install polkitd).`,
        );
      case 'no-polkit':
        throw unavailable(
          'polkit is not running on this computer, so Keybound cannot verify you. Install polkit (Debian/Ubuntu: apt install polkitd) and start it.',
        );
      case 'error':
        if (/not registered/i.test(result.text)) {
          throw unavailable(
            `polkit does not know the action ${POLKIT_ACTION_ID}. Ask IT to install Keybound's polkit policy (${DOCS}).`,
          );
        }
        logger.error({ event: 'uv.polkit_error', code: 'ERR_UV_UNAVAILABLE', name: result.name }, result.text);
        throw unavailable(`polkit refused to verify you (${result.name}: ${result.text}). Ask IT to check polkit.`);
    }
  }
}

function refusedDetails(result: { name: string; text: string }): boolean {
  return result.name === 'org.freedesktop.PolicyKit1.Error.NotAuthorized' && /details/i.test(result.text);
}

function unavailable(sentence: string): ProtectError {
  return new ProtectError('ERR_UV_UNAVAILABLE', sentence);
}

function cancelled(): KeyboundError {
  return new KeyboundError(
    'ERR_EXTENSION_UNAVAILABLE',
    'The request was cancelled, or the browser connection closed, before the system prompt was answered.',
  );
}
