/**
 * TOTP codes for a user who signs in with MFA more than once in a test: the portal refuses a code
 * whose 30-second step was already used (no replay), and accepts the next step's code (window
 * ±1). So each code is taken from a step after the last one used, waiting (at most one step) when
 * that step would be too far ahead of the clock.
 */
import { totpCode } from '../../../portal/src/security/totp.js';

const PERIOD_MS = 30_000;

export class TotpCodes {
  private lastStep = -1;

  constructor(private readonly secret: string) {}

  /** A code the portal has not seen yet for this secret. */
  async next(): Promise<string> {
    let current = Math.floor(Date.now() / PERIOD_MS);
    const step = Math.max(current, this.lastStep + 1);
    // More than one step ahead is outside the portal's window: wait until it is the next step.
    for (let i = 0; i < 2 && step > current + 1; i++) {
      await new Promise((r) => setTimeout(r, (current + 1) * PERIOD_MS - Date.now() + 50));
      current = Math.floor(Date.now() / PERIOD_MS);
    }
    this.lastStep = step;
    return totpCode(this.secret, step * PERIOD_MS);
  }
}
