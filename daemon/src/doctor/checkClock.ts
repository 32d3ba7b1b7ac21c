/**
 * This device's clock agrees with the portal's (the portal's `/healthz` reports its time; its
 * `Date` header is the fallback). Challenges expire and TOTP codes roll every 30 s, so a clock
 * minutes off breaks sign-in in ways that look like anything else.
 */
import { type DoctorResult, doctorResult } from '../../../shared/doctor/doctorChecks.js';
import type { DoctorContext } from './DoctorContext.js';

const WARN_MS = 30_000;
const FAIL_MS = 120_000;

export async function checkClock(ctx: DoctorContext): Promise<DoctorResult> {
  if (!ctx.portal) return doctorResult('clock', 'skip', 'no portal known', 'pass --portal URL');
  let portalTime: number;
  const sent = ctx.now();
  try {
    const res = await fetch(new URL('/healthz', ctx.portal), { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json().catch(() => ({}))) as { time?: unknown };
    portalTime = typeof body.time === 'string' ? Date.parse(body.time) : Date.parse(res.headers.get('date') ?? '');
  } catch (err) {
    return doctorResult(
      'clock',
      'warn',
      `cannot reach ${ctx.portal} (${(err as Error).message})`,
      'check the network to the portal',
    );
  }
  if (!Number.isFinite(portalTime)) return doctorResult('clock', 'warn', `${ctx.portal} reports no time`);
  // Compare with the middle of the round trip.
  const skew = Math.round((sent + ctx.now()) / 2 - portalTime);
  const text = `${skew >= 0 ? 'ahead of' : 'behind'} ${ctx.portal} by ${(Math.abs(skew) / 1000).toFixed(1)} s`;
  if (Math.abs(skew) >= FAIL_MS)
    return doctorResult('clock', 'fail', text, 'turn on automatic time (NTP) on this device');
  if (Math.abs(skew) >= WARN_MS)
    return doctorResult('clock', 'warn', text, 'turn on automatic time (NTP) on this device');
  return doctorResult('clock', 'ok', text);
}
