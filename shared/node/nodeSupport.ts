/**
 * Which Node.js runs Keybound. The floor is Node 22 LTS (docs/decisions/0110-node-22.md): Node 20
 * is past its end of life, and oidc-provider, the portal's OpenID provider, supports only LTS
 * releases from 22 ("Jod") on. On an older or non-LTS Node the portal says so once, in its own
 * words, at start; on a supported one its start-up output carries no runtime warning.
 */
const OLDEST_LTS_CODENAME = 'Jod';

/** null on a supported Node, else one sentence saying what runs and what to use instead. */
export function unsupportedNodeMessage(
  release: { lts?: string } = process.release,
  version: string = process.version,
): string | null {
  const lts = release.lts;
  if (typeof lts === 'string' && lts.charCodeAt(0) >= OLDEST_LTS_CODENAME.charCodeAt(0)) return null;
  return `Node.js ${version} is not supported: use Node.js 22 LTS or a later LTS release (README, "Two commands").`;
}
