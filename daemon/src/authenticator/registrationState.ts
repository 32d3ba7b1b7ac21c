/**
 * Whether this device is registered for a user at an RP, as `status` answers it. Without the
 * portal's list it is the device's own view (it holds a credential). With the portal's list
 * (`knownCredentialIds`: its allowCredentials or excludeCredentials) the portal decides: the
 * device counts as registered only when it holds a credential the portal knows, and a credential
 * the portal does not know is reported as `orphaned` — the portal lost it (an admin deleted it,
 * or the tab or daemon died between the device storing it and the portal verifying it), so the
 * page sends the user through the password and registers again, replacing it (decision 0052).
 */
import type { CredentialStore } from '../storage/CredentialStore.js';

export interface RegistrationQuery {
  rpId?: string;
  userName?: string;
  knownCredentialIds?: readonly string[];
}

export function registrationState(
  credentials: Pick<CredentialStore, 'findByUser' | 'newestForRp' | 'listByRp' | 'listByUser'>,
  q: RegistrationQuery,
): { registered: boolean; orphaned?: boolean } {
  if (!q.rpId) return { registered: false };
  if (!q.knownCredentialIds) {
    const held = q.userName ? credentials.findByUser(q.rpId, q.userName) : credentials.newestForRp(q.rpId);
    return { registered: held !== undefined };
  }
  const held = q.userName ? credentials.listByUser(q.rpId, q.userName) : credentials.listByRp(q.rpId);
  const known = new Set(q.knownCredentialIds);
  const registered = held.some((c) => known.has(c.credentialId));
  return { registered, orphaned: !registered && held.length > 0 };
}
