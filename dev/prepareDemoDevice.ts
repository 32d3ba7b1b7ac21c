/**
 * Gets the emulated device of a daemon data dir ready for the demo, before the daemon starts
 * (the daemon and this share the data dir's files, so they must not have them open at once):
 * enrolled in the portal's device inventory with a one-time enrollment token, the managed
 * Protect installed, opened, notifications on, biometrics and a PIN configured, and the demo
 * user's TOTP account added to Protect. Idempotent: on a restart with the same data dir and
 * portal, an enrollment the inventory still holds is kept (so is the registration).
 */
import { openDaemonState } from '../daemon/src/openDaemonState.js';
import { parseTotpUri } from '../daemon/src/storage/TotpStore.js';
import { newEnrollmentToken } from '../portal/src/admin/adminActions.js';
import type { PortalDb } from '../portal/src/db/openDatabase.js';
import { getDevice } from '../portal/src/store/devices.js';
import type { Logger } from '../shared/node/createLogger.js';

export interface PrepareDemoDeviceOptions {
  dataDir: string;
  /** The portal's canonical origin (`http://localhost:<port>`), running already. */
  portalOrigin: string;
  db: PortalDb;
  organisation: string;
  /** The demo user's `otpauth://` URI, added to Protect's TOTP accounts once. */
  otpauthUri: string;
  logger: Logger;
  /** The daemon's key store (`--key-store`) and TPM (`--tpm`), as the daemon will be started. */
  keyStore?: 'file' | 'tpm';
  tpm?: string;
}

export interface PreparedDevice {
  deviceId: string;
  /** False when an earlier enrollment with this portal was kept. */
  enrolledNow: boolean;
  /** Protect's id for the demo user's TOTP account (`keybound protect totp code <id>`). */
  totpAccountId: string;
}

export async function prepareDemoDevice(options: PrepareDemoDeviceOptions): Promise<PreparedDevice> {
  const { db, logger } = options;
  const state = await openDaemonState({
    dataDir: options.dataDir,
    device: 'emulator',
    logger,
    ...(options.keyStore ? { keyStoreChoice: options.keyStore } : {}),
    ...(options.tpm ? { tpm: options.tpm } : {}),
  });
  try {
    const control = state.device;
    const { profile } = await control.show();
    const known = profile.enrollment.deviceId ? await getDevice(db, profile.enrollment.deviceId) : undefined;
    const keep =
      profile.enrollment.state === 'enrolled' &&
      profile.enrollment.portal === options.portalOrigin &&
      known !== undefined &&
      known.revokedAt === null;
    let deviceId = profile.enrollment.deviceId ?? '';
    if (!keep) {
      const { token } = await newEnrollmentToken(db, Date.now(), options.organisation);
      const enrolled = await control.enroll({
        type: 'desktop-agent',
        portal: options.portalOrigin,
        token,
        name: 'Keybound demo device',
      });
      deviceId = enrolled.enrollment.deviceId ?? '';
    }

    const now = (await control.show()).profile;
    if (!now.protect.installed) await control.installProtect('managed');
    if (!now.protect.opened) await control.openProtect();
    if (!now.protect.notifications) await control.setNotifications(true);
    if (!now.userVerification.biometrics) await control.set('userVerification.biometrics', 'true');
    if (!now.userVerification.pin) await control.set('userVerification.pin', 'true');

    const wanted = parseTotpUri(options.otpauthUri);
    const accounts = await state.totp.list();
    const existing = accounts.find((a) => a.issuer === wanted.issuer && a.label === wanted.label);
    const totpAccountId = existing?.id ?? (await control.addTotp(options.otpauthUri)).id;
    return { deviceId, enrolledNow: !keep, totpAccountId };
  } finally {
    await state.close();
  }
}
