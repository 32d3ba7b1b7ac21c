/**
 * What the control socket needs from the device side beyond {@link AuthenticatorApi}: Protect's
 * local state (install, notifications, TOTP) and a status snapshot. The device side's
 * DeviceControl (device/DeviceControl.ts) has this shape; tests may hand another.
 */
import type { WireError } from '../../../shared/errors.js';

export interface DeviceControlApi {
  /** The device profile as `keybound status` shows it. */
  status(): Promise<{ source: 'emulator' | 'host'; profile: unknown; eligible: boolean; problem?: WireError }>;
  setNotifications(on: boolean): Promise<unknown>;
  installProtect(source: 'managed' | 'personal'): Promise<unknown>;
  /** Uninstalls Protect: invalidates every token (device sign-in, push, TOTP). */
  uninstallProtect(): Promise<unknown>;
  addTotp(uri: string): Promise<unknown>;
  totpCode(accountId: string): Promise<unknown>;
}
