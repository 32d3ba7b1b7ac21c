/**
 * TOTP codes for a user who signs in with MFA more than once in a test: the portal refuses a code
 * whose 30-second step was already used, or is older than one used (no replay), and accepts the
 * previous, current and next step (window ±1). So codes go up one step at a time starting from
 * the previous step, which gives three sign-ins without waiting; a fourth waits (at most one
 * step) until its step is within the window.
 */
import { totpCode } from '../../../portal/src/security/totp.js';

const PERIOD_MS = 30_000;
/** The previous step is used only when its window does not close during the sign-in. */
const MARGIN_MS = 5_000;

export class TotpCodes {
  private lastStep = -1;

  constructor(private readonly secret: string) {}

  /** A code the portal has not seen yet for this secret. */
  async next(): Promise<string> {
    let current = Math.floor(Date.now() / PERIOD_MS);
    const earliest = (current + 1) * PERIOD_MS - Date.now() > MARGIN_MS ? current - 1 : current;
    const step = Math.max(earliest, this.lastStep + 1);
    // More than one step ahead is outside the portal's window: wait until it is the next step.
    for (let i = 0; i < 2 && step > current + 1; i++) {
      await new Promise((r) => setTimeout(r, (current + 1) * PERIOD_MS - Date.now() + 50));
      current = Math.floor(Date.now() / PERIOD_MS);
    }
    this.lastStep = step;
    return totpCode(this.secret, step * PERIOD_MS);
  }
}
