/**
 * Password and TOTP checks with throttling. Failures are throttled per account + IP with expiring
 * exponential backoff (store/loginThrottle.ts), each attempt reserved before its hash; every hash
 * runs within the per-client and global hashing budget (security/HashingBudget.ts); unknown
 * emails cost a full scrypt like known ones.
 */
import { PortalError } from '../../../shared/errors.js';
import type { PortalContext } from '../PortalContext.js';
import { dummyPasswordHash, verifyPassword } from '../security/passwordHash.js';
import { matchTotpStep } from '../security/totp.js';
import { audit } from '../store/audit.js';
import { clearFailures, recordFailure, reserveAttempt, throttleKey, throttleWait } from '../store/loginThrottle.js';
import { getOrganisation } from '../store/organisations.js';
import { claimTotpStep, findUsersByEmail, getTotp, normaliseEmail, type User } from '../store/users.js';

function throttled(waitMs: number): PortalError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new PortalError(
    'ERR_THROTTLED',
    `Too many failed attempts. Wait ${seconds} second${seconds === 1 ? '' : 's'} and try again.`,
  );
}

/** Checks email + password; returns the user or throws ERR_THROTTLED / ERR_BAD_CREDENTIALS. */
export async function checkPassword(
  ctx: PortalContext,
  input: { email: string; password: string; ip: string },
): Promise<User> {
  const email = normaliseEmail(input.email);
  const key = throttleKey(`pw:${email}`, input.ip);
  // Refuse during the block without checking the password, so guesses in the window teach nothing.
  const wait = await throttleWait(ctx.db, key, ctx.clock());
  if (wait > 0) throw throttled(wait);
  // The client's and the portal's hashing budget, charged before the email is looked up: known
  // and unknown emails cost the same (HashingBudget.ts). Over budget: refused, nothing hashed.
  const ticket = await ctx.hashing.take(input.ip);
  // Counted before the hash, in one transaction with the block check (reserveAttempt).
  const reservation = await reserveAttempt(ctx.db, key, ctx.clock());
  if (reservation.wait > 0) {
    ticket.refund();
    throw throttled(reservation.wait);
  }
  const candidates = await findUsersByEmail(ctx.db, email);
  const user = candidates.length === 1 ? candidates[0] : undefined;
  const stored = user?.passwordHash ?? (await dummyPasswordHash());
  const ok = await ticket.run(() => verifyPassword(input.password, stored));
  const now = ctx.clock();
  if (!user || !ok) {
    const block = reservation.block;
    await audit(
      ctx.db,
      {
        event: 'signin.failure',
        actor: 'anonymous',
        orgId: user?.orgId ?? null,
        userId: user?.id ?? null,
        details: { method: 'password', reason: 'bad-credentials', ip: input.ip },
      },
      now,
    );
    ctx.logger.info({ event: 'signin.failure', code: 'ERR_BAD_CREDENTIALS' }, 'password refused');
    if (block > 0) throw throttled(block);
    throw new PortalError('ERR_BAD_CREDENTIALS', 'The email or password is not right. Try again.');
  }
  await clearFailures(ctx.db, key);
  return user;
}

/** True if this user must pass TOTP after the password. */
export async function mfaNeeded(ctx: PortalContext, user: User): Promise<boolean> {
  return user.hasTotp || ((await getOrganisation(ctx.db, user.orgId))?.mfaRequired ?? false);
}

/** Checks a TOTP code (window ±1, no replay); throws ERR_THROTTLED / ERR_BAD_MFA_CODE / ERR_FORBIDDEN. */
export async function checkTotp(ctx: PortalContext, user: User, code: string, ip: string): Promise<void> {
  const key = throttleKey(`mfa:${user.id}`, ip);
  const wait = await throttleWait(ctx.db, key, ctx.clock());
  if (wait > 0) throw throttled(wait);
  const totp = await getTotp(ctx.db, user.id);
  if (!totp) {
    throw new PortalError(
      'ERR_FORBIDDEN',
      'Your organisation requires multi-factor authentication, but no authenticator is set up for you. Contact your admin.',
    );
  }
  const now = ctx.clock();
  const step = matchTotpStep(totp.secret, code, now);
  // claimTotpStep refuses the step of a code already used (or older): no replay within the window.
  if (step === null || !(await claimTotpStep(ctx.db, user.id, step))) {
    const block = await recordFailure(ctx.db, key, now);
    await audit(
      ctx.db,
      {
        event: 'signin.failure',
        actor: 'anonymous',
        orgId: user.orgId,
        userId: user.id,
        details: { method: 'password+mfa', reason: step === null ? 'bad-code' : 'code-reused', ip },
      },
      now,
    );
    if (block > 0) throw throttled(block);
    throw new PortalError(
      'ERR_BAD_MFA_CODE',
      'That verification code is not right or was already used. Enter the current code.',
    );
  }
  await clearFailures(ctx.db, key);
}
