/** The audit room's seam: what every part of the daemon records (FileAuditLog writes it to audit.log). */

/** Append-only audit log of pairings, registrations, sign-ins, approvals and denials. No secrets. */
export interface AuditLog {
  record(event: AuditEvent, fields?: Record<string, string | number | boolean | null | undefined>): void;
  /**
   * Throws ERR_STATE_CORRUPT when the log cannot be written (a damaged audit.log, a full disk):
   * registrations and sign-ins check this first, so none happens without its audit line.
   */
  assertWritable?(): void;
}

export type AuditEvent =
  | 'pairing.requested'
  | 'pairing.approved'
  | 'pairing.denied'
  | 'pairing.preauthorized'
  | 'auth.failed'
  | 'protect.approved'
  | 'protect.denied'
  | 'protect.timeout'
  | 'registration.succeeded'
  | 'registration.refused'
  | 'signin.succeeded'
  | 'signin.refused'
  | 'account.deleted'
  | 'settings.changed'
  | 'protect.installed'
  | 'protect.uninstalled'
  | 'device.enrolled'
  | 'device.unenrolled'
  | 'session.registered'
  | 'session.forgotten';
