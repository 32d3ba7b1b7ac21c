/**
 * Whether a page may ask about an RP ID: it must be the page's own host or a parent domain of it
 * with at least one dot (the WebAuthn rule; no Public Suffix List here, nor in the daemon's
 * resolveRpId, which refuses only single-label suffixes). This keeps a portal from probing
 * whether the device is registered with some unrelated site.
 */
export function rpIdMatchesOrigin(rpId: string, origin: string): boolean {
  let host: string;
  try {
    host = new URL(origin).hostname;
  } catch {
    return false;
  }
  const id = rpId.toLowerCase();
  return host === id || (host.endsWith(`.${id}`) && id.includes('.'));
}
