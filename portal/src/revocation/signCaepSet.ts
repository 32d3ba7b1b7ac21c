/**
 * Builds and signs one CAEP 1.0 Security Event Token (RFC 8417) for SSF push delivery: header
 * `typ: secevent+jwt`, ES256 with the portal's OIDC signing key (receivers verify it against the
 * portal's JWKS), one event per SET (SSF 1.0), the subject as an SSF complex subject in `sub_id`:
 * the user as `iss_sub`, the device and (for an app's own receiver) the app session as `opaque`.
 */
import { type CryptoKey, type KeyObject, SignJWT } from 'jose';
import { CAEP_EVENT, type CaepNotice } from './notices.js';

export interface SetSigningKey {
  key: CryptoKey | KeyObject | Uint8Array;
  kid: string;
}

export async function signCaepSet(
  payload: CaepNotice['payload'],
  options: { issuer: string; signingKey: SetSigningKey; now: number },
): Promise<string> {
  const { subject: s } = payload;
  const event: Record<string, unknown> = {
    event_timestamp: payload.eventTimestamp,
    initiating_entity: payload.initiatingEntity,
    reason_admin: { en: payload.reasonAdmin },
    ...(payload.reasonUser ? { reason_user: { en: payload.reasonUser } } : {}),
    ...(payload.previousStatus ? { previous_status: payload.previousStatus } : {}),
    ...(payload.currentStatus ? { current_status: payload.currentStatus } : {}),
  };
  return new SignJWT({
    txn: payload.txn,
    sub_id: {
      format: 'complex',
      user: { format: 'iss_sub', iss: options.issuer, sub: s.userId },
      ...(s.deviceId ? { device: { format: 'opaque', id: s.deviceId } } : {}),
      ...(s.sid ? { session: { format: 'opaque', id: s.sid } } : {}),
    },
    events: { [CAEP_EVENT[payload.eventType]]: event },
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'secevent+jwt', kid: options.signingKey.kid })
    .setIssuer(options.issuer)
    .setAudience(payload.audience)
    .setJti(payload.jti)
    .setIssuedAt(Math.floor(options.now / 1000))
    .sign(options.signingKey.key);
}
