/**
 * Checks the URL of the folder that will serve `keybound.crx` and `updates.xml` (e.g.
 * `https://portal.example.com/extension`): http(s), no credentials, query or fragment. Returns
 * it without a trailing slash. Chrome fetches both files from exactly these URLs.
 */
import { DeployError } from '../../../shared/errors.js';

export function parseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (err) {
    throw new DeployError('ERR_BAD_URL', `"${raw}" is not a URL, expected e.g. https://portal.example.com/extension`, {
      cause: err,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DeployError('ERR_BAD_URL', `Unexpected scheme "${url.protocol}" in "${raw}", expected https: (or http:)`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new DeployError('ERR_BAD_URL', `"${raw}" must not carry credentials, a query or a fragment`);
  }
  return url.href.replace(/\/+$/, '');
}
