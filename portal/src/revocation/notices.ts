/**
 * The notices a revocation queues (one outbox row each), as stored: everything needed to sign and
 * send them later, in the running portal, after a restart or on another instance. Tokens are
 * signed at delivery, not here (a logout token lives two minutes; a retry hours later needs a new
 * one), but each notice's `jti` is fixed here so a receiver can drop a retried copy.
 */

/** OIDC Back-Channel Logout 1.0: one token per app session. */
export interface BackchannelLogoutNotice {
  kind: 'backchannel-logout';
  /** The app's `backchannel_logout_uri`. */
  target: string;
  payload: { clientId: string; sub: string; sid: string | null; jti: string; txn: string };
}

export const CAEP_EVENT = {
  'session-revoked': 'https://schemas.openid.net/secevent/caep/event-type/session-revoked',
  'device-compliance-change': 'https://schemas.openid.net/secevent/caep/event-type/device-compliance-change',
} as const;
export type CaepEventType = keyof typeof CAEP_EVENT;

/** CAEP 1.0 over SSF push delivery (RFC 8935): one SET per event and receiver. */
export interface CaepNotice {
  kind: 'caep';
  /** The receiver's push endpoint. */
  target: string;
  payload: {
    receiverId: string;
    audience: string;
    jti: string;
    txn: string;
    eventType: CaepEventType;
    /** Complex subject (SSF 1.0 §3.2): the user (iss_sub; `iss` is added at signing), device, session. */
    subject: { userId: string; deviceId: string | null; sid: string | null };
    /** Seconds (CAEP `event_timestamp`). */
    eventTimestamp: number;
    initiatingEntity: 'admin' | 'user' | 'policy' | 'system';
    reasonAdmin: string;
    reasonUser?: string;
    /** device-compliance-change only. */
    previousStatus?: 'compliant' | 'not-compliant';
    currentStatus?: 'compliant' | 'not-compliant';
  };
}

export type Notice = BackchannelLogoutNotice | CaepNotice;
