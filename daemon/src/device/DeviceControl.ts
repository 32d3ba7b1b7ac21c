/**
 * Device and Protect operations behind `keybound device …` and `keybound protect …`: the
 * emulated device's enrollment, Protect's install state and takeover choices, notifications,
 * settings and TOTP accounts. Prerequisite 5 lives here: uninstalling Protect (or removing a
 * personal copy) deletes every device sign-in credential and its key, and every TOTP account.
 */
import { hostname } from 'node:os';
import { DeviceError, PrerequisiteError, type WireError } from '../../../shared/errors.js';
import type { EnrollmentType } from '../../../shared/protocol/device.js';
import type { AuditLog } from '../audit/AuditLog.js';
import type { KeyStore } from '../keys/KeyStore.js';
import { TpmKeyStore } from '../keys/tpm/TpmKeyStore.js';
import type { CredentialStore } from '../storage/CredentialStore.js';
import type { TotpAccountInfo, TotpStore } from '../storage/TotpStore.js';
import type { DeviceProfile, DeviceProfileSource } from './deviceProfile.js';
import { enrollWithPortal } from './enrollWithPortal.js';
import { firstFailingPrerequisite } from './prerequisites/prerequisites.js';
import { setProfileValue } from './setProfileValue.js';
import { tpmEnrollment } from './tpmEnrollment.js';

export interface DeviceControlDeps {
  profile: DeviceProfileSource;
  keyStore: KeyStore;
  credentials: CredentialStore;
  totp: TotpStore;
  audit: AuditLog;
  now?: () => Date;
  fetch?: typeof fetch;
  /** Random device ids for enrollments without a portal. */
  randomId?: () => string;
}

export type EnrollOptions = {
  type: EnrollmentType;
  organisation?: string;
  portal?: string;
  token?: string;
  name?: string;
};

/** What `keybound status` shows of the device: where the profile comes from, and its standing. */
export interface DeviceStatus {
  source: 'emulator' | 'host';
  profile: DeviceProfile;
  eligible: boolean;
  problem?: WireError;
}

export class DeviceControl {
  private readonly now: () => Date;

  constructor(private readonly deps: DeviceControlDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The profile and the first unmet prerequisite (if any). */
  async show(): Promise<{ profile: DeviceProfile; eligible: boolean; problem?: WireError }> {
    const profile = await this.deps.profile.get();
    const failure = firstFailingPrerequisite(profile);
    return { profile, eligible: !failure, ...(failure ? { problem: failure.toWire() } : {}) };
  }

  /** The device's standing as `keybound status` shows it (the control socket's `status`). */
  async status(): Promise<DeviceStatus> {
    return { source: this.deps.profile.kind, ...(await this.show()) };
  }

  /** Edits one field of the emulated profile (see setProfileValue). */
  async set(key: string, value: string): Promise<DeviceProfile> {
    return this.deps.profile.update((p) => setProfileValue(p, key, value));
  }

  /**
   * Enrolls the device: creates a fresh identity key; with `portal` and `token`, registers it in
   * the portal's inventory and takes the device id and organisation from the portal's answer.
   * Without a portal the device id is random (an emulated enrollment the portal cannot vouch for).
   */
  async enroll(options: EnrollOptions): Promise<DeviceProfile> {
    if ((options.portal === undefined) !== (options.token === undefined)) {
      throw new TypeError('enroll: portal and token go together');
    }
    const before = await this.deps.profile.get();
    const key = await this.deps.keyStore.create({ purpose: 'device-identity' });
    let deviceId = this.deps.randomId?.() ?? crypto.randomUUID();
    let organisation = options.organisation;
    // A TPM key store proves to the portal that the identity key lives in a genuine TPM.
    const tpm =
      options.portal && this.deps.keyStore instanceof TpmKeyStore
        ? await tpmEnrollment(this.deps.keyStore, key.ref)
        : undefined;
    let attestationCertificate: string | undefined;
    try {
      if (options.portal && options.token) {
        const answer = await enrollWithPortal({
          ...(tpm ? { tpm: tpm.proof } : {}),
          portal: options.portal,
          token: options.token,
          publicKey: key.publicJwk,
          enrollmentType: options.type,
          platform: before.platform,
          name: options.name ?? hostname(),
          ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}),
        });
        deviceId = answer.deviceId;
        organisation = answer.organisation;
        attestationCertificate = answer.attestationCertificate;
      }
    } catch (err) {
      await this.deps.keyStore.delete(key.ref);
      await tpm?.discard();
      throw err;
    }
    const oldRef = before.enrollment.identityKeyRef;
    const oldAk = before.enrollment.attestationKeyRef;
    const profile = await this.deps.profile.update((p) => ({
      ...p,
      platform: platformFor(options.type, p.platform),
      enrollment: {
        state: 'enrolled',
        type: options.type,
        ...(organisation ? { organisation } : {}),
        deviceId,
        ...(options.portal ? { portal: new URL(options.portal).origin } : {}),
        enrolledAt: this.now().toISOString(),
        identityKeyRef: key.ref,
        ...(tpm && attestationCertificate ? { attestationKeyRef: tpm.attestationKeyRef, attestationCertificate } : {}),
      },
    }));
    if (oldRef && oldRef !== key.ref) await this.deps.keyStore.delete(oldRef);
    if (oldAk) await this.deps.keyStore.delete(oldAk);
    if (tpm && !attestationCertificate) await tpm.discard();
    this.deps.audit.record('device.enrolled', { deviceId, type: options.type, organisation, portal: options.portal });
    return profile;
  }

  /** Leaves device management: deletes the identity key, so no new statement can be signed. */
  async unenroll(): Promise<DeviceProfile> {
    const before = await this.deps.profile.get();
    const profile = await this.deps.profile.update((p) => ({ ...p, enrollment: { state: 'not-enrolled' } }));
    if (before.enrollment.identityKeyRef) await this.deps.keyStore.delete(before.enrollment.identityKeyRef);
    if (before.enrollment.attestationKeyRef) await this.deps.keyStore.delete(before.enrollment.attestationKeyRef);
    this.deps.audit.record('device.unenrolled', { deviceId: before.enrollment.deviceId });
    return profile;
  }

  /** Installs Protect: pushed by the organisation (`managed`) or by the user (`personal`). Not opened yet. */
  async installProtect(source: 'managed' | 'personal'): Promise<DeviceProfile> {
    const profile = await this.deps.profile.update((p) => ({
      ...p,
      protect: {
        installed: true,
        source,
        takeoverApproved: false,
        personalCopyDecision: 'undecided',
        opened: false,
        notifications: false,
      },
    }));
    this.deps.audit.record('protect.installed', { source });
    return profile;
  }

  /**
   * Uninstalls Protect (prerequisite 5): every device sign-in credential and its key, and every
   * TOTP account, is deleted; the portal's copies no longer verify and the user must register again.
   */
  async uninstallProtect(): Promise<{ profile: DeviceProfile; deletedCredentials: number; deletedTotp: number }> {
    const { deletedCredentials, deletedTotp } = await this.deleteTokens();
    const profile = await this.deps.profile.update((p) => ({
      ...p,
      protect: { ...p.protect, installed: false, takeoverApproved: false, opened: false, notifications: false },
    }));
    this.deps.audit.record('protect.uninstalled', { deletedCredentials, deletedTotp });
    return { profile, deletedCredentials, deletedTotp };
  }

  /** Opening Protect once finishes its setup. */
  async openProtect(): Promise<DeviceProfile> {
    await this.requireInstalled();
    return this.deps.profile.update((p) => ({ ...p, protect: { ...p.protect, opened: true } }));
  }

  async setNotifications(on: boolean): Promise<DeviceProfile> {
    await this.requireInstalled();
    const profile = await this.deps.profile.update((p) => ({ ...p, protect: { ...p.protect, notifications: on } }));
    this.deps.audit.record('settings.changed', { notifications: on });
    return profile;
  }

  /** Apple profile-driven enrollment: the user approves the takeover of their personal copy; it becomes managed. */
  async approveTakeover(): Promise<DeviceProfile> {
    await this.requireInstalled();
    return this.deps.profile.update((p) => ({
      ...p,
      protect: { ...p.protect, source: 'managed', takeoverApproved: true },
    }));
  }

  /**
   * Apple User Enrollment (BYOD) with a personal copy: keep it, or remove it so the admin can
   * push the managed copy. Removing is an uninstall (its tokens are deleted).
   */
  async choosePersonalCopy(decision: 'keep' | 'remove'): Promise<DeviceProfile> {
    if (decision === 'remove') await this.uninstallProtect();
    return this.deps.profile.update((p) => ({ ...p, protect: { ...p.protect, personalCopyDecision: decision } }));
  }

  async addTotp(uri: string): Promise<TotpAccountInfo> {
    await this.requireInstalled();
    return this.deps.totp.add(uri, this.now());
  }

  async totpCode(id: string): Promise<{ code: string; expiresAt: string }> {
    const code = await this.deps.totp.code(id, this.now());
    if (!code)
      throw new DeviceError(
        'ERR_ACCOUNT_NOT_FOUND',
        `No TOTP account "${id}" in Protect; list them with keybound protect accounts`,
      );
    return code;
  }

  private async deleteTokens(): Promise<{ deletedCredentials: number; deletedTotp: number }> {
    const { credentials, keyStore } = this.deps;
    let deletedCredentials = 0;
    for (const c of credentials.list()) {
      // Row first: a crash after it leaves an orphan key (harmless), never a credential without its key.
      if (credentials.delete(c.credentialId)) deletedCredentials++;
      await keyStore.delete(c.keyRef);
    }
    const deletedTotp = await this.deps.totp.deleteAll();
    return { deletedCredentials, deletedTotp };
  }

  private async requireInstalled(): Promise<void> {
    const { protect } = await this.deps.profile.get();
    if (!protect.installed) {
      throw new PrerequisiteError(
        'ERR_PROTECT_NOT_INSTALLED',
        'Protect is not installed on this device. Install it first (keybound protect install --managed).',
      );
    }
  }
}

/** Keeps the emulated platform consistent with the enrollment type (an Apple enrollment is not on Android). */
function platformFor(type: EnrollmentType, current: DeviceProfile['platform']): DeviceProfile['platform'] {
  const apple = ['macos', 'ios', 'ipados'] as const;
  if (type.startsWith('apple-')) return (apple as readonly string[]).includes(current) ? current : 'ios';
  if (type.startsWith('android-')) return 'android';
  return current === 'android' || current === 'ios' || current === 'ipados' ? 'linux' : current;
}
