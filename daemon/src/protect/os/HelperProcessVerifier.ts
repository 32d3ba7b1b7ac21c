/**
 * A UserVerifier that asks the OS through a small helper process (macOS LocalAuthentication,
 * Windows Hello), one process per request. The prompt text goes in the environment
 * (KEYBOUND_UV_REASON), never on the command line other users can list. The helper's exit code
 * is its answer:
 *
 *   0 verified · 1 refused (cancelled by the user, wrong PIN, retries used up) · 2 no way to
 *   verify (stderr says why) · 3 failed (busy, unexpected) · 4 cancelled by us or the system
 *
 * An abandoned or timed-out request kills the helper (SIGTERM), which closes the OS prompt.
 */
import { spawn } from 'node:child_process';
import { KeyboundError, ProtectError } from '../../../../shared/errors.js';
import type { Logger } from '../../../../shared/node/createLogger.js';
import { PROTECT_TIMEOUT_MS } from '../../../../shared/protocol/version.js';
import type { AuditLog } from '../../audit/AuditLog.js';
import type { UserVerifier, VerificationRequest, VerifiedHandle } from '../UserVerifier.js';
import { describeVerification } from './describeVerification.js';

export interface HelperSpec {
  /** For logs and the audit: `localauthentication`, `windows-hello`. */
  backend: string;
  command: string;
  args: string[];
  /** Written to the helper's stdin (a script for an interpreter), if any. */
  stdin?: string;
  /** The sentence when the command cannot be started at all. */
  missing: string;
}

export interface HelperProcessVerifierOptions {
  logger: Logger;
  audit?: AuditLog;
  timeoutMs?: number;
}

const MAX_PENDING = 8;
const MAX_STDERR = 2_000;

export class HelperProcessVerifier implements UserVerifier {
  private pending = 0;

  constructor(
    private readonly spec: HelperSpec,
    private readonly options: HelperProcessVerifierOptions,
  ) {}

  get backend(): string {
    return this.spec.backend;
  }

  async verify(request: VerificationRequest): Promise<VerifiedHandle> {
    if (request.signal?.aborted) throw cancelled();
    if (this.pending >= MAX_PENDING) {
      throw new KeyboundError(
        'ERR_TOO_MANY_PENDING',
        'Too many requests are waiting for the system prompt. Try again later.',
      );
    }
    this.pending++;
    try {
      const outcome = await this.run(request);
      return this.interpret(outcome, request);
    } finally {
      this.pending--;
    }
  }

  private run(
    request: VerificationRequest,
  ): Promise<{ code: number | null; stderr: string; timedOut: boolean; failed?: Error }> {
    return new Promise((resolve) => {
      const child = spawn(this.spec.command, this.spec.args, {
        env: { ...process.env, KEYBOUND_UV_REASON: describeVerification(request).message },
        stdio: [this.spec.stdin === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'],
        windowsHide: true,
      });
      let stderr = '';
      let timedOut = false;
      const stop = () => child.kill('SIGTERM');
      const timer = setTimeout(() => {
        timedOut = true;
        stop();
      }, this.options.timeoutMs ?? PROTECT_TIMEOUT_MS);
      request.signal?.addEventListener('abort', stop, { once: true });
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(0, MAX_STDERR);
      });
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(this.spec.stdin);
      const finish = (result: { code: number | null; failed?: Error }) => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', stop);
        resolve({ ...result, stderr: stderr.trim(), timedOut });
      };
      child.once('error', (failed) => finish({ code: null, failed }));
      child.once('exit', (code) => finish({ code }));
    });
  }

  private interpret(
    outcome: { code: number | null; stderr: string; timedOut: boolean; failed?: Error },
    request: VerificationRequest,
  ): VerifiedHandle {
    const fields = { action: request.action, origin: request.origin, rpId: request.rpId, via: this.spec.backend };
    const { audit, logger } = this.options;
    if (outcome.failed) throw new ProtectError('ERR_UV_UNAVAILABLE', this.spec.missing, { cause: outcome.failed });
    if (outcome.timedOut) {
      audit?.record('protect.timeout', fields);
      throw new ProtectError('ERR_USER_VERIFICATION_TIMEOUT', 'The system prompt was not answered in time. Try again.');
    }
    if (request.signal?.aborted) throw cancelled();
    switch (outcome.code) {
      case 0:
        audit?.record('protect.approved', fields);
        logger.info(
          { event: 'uv.approved', via: this.spec.backend, action: request.action },
          'the OS verified the user',
        );
        return { complete: () => {} };
      case 1:
        audit?.record('protect.denied', fields);
        throw new ProtectError(
          'ERR_USER_DENIED',
          'The system did not confirm it is you, so the request was not approved.',
        );
      case 2:
        throw new ProtectError(
          'ERR_UV_UNAVAILABLE',
          `This device cannot verify you (${outcome.stderr || 'no reason given'}). Set up Touch ID, Windows Hello or a device password, then try again.`,
        );
      default:
        logger.error({ event: 'uv.helper_failed', via: this.spec.backend, exit: outcome.code }, outcome.stderr);
        throw new ProtectError(
          'ERR_UV_UNAVAILABLE',
          `The system prompt failed (${this.spec.backend}, exit ${outcome.code}${outcome.stderr ? `: ${outcome.stderr}` : ''}). Try again; if it persists, ask IT.`,
        );
    }
  }
}

function cancelled(): KeyboundError {
  return new KeyboundError(
    'ERR_EXTENSION_UNAVAILABLE',
    'The request was cancelled, or the browser connection closed, before the system prompt was answered.',
  );
}
