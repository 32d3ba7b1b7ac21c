/**
 * What an OS prompt says it is approving: one sentence ("Sign in to example.com as alice@…
 * (Chrome, from http://localhost:3000)?") plus the same facts as separate fields, for prompts that
 * show details (polkit agents list them under "Details"). Every field is cleaned of control
 * characters and capped, since the user name and origin come from a web page.
 */
import type { VerificationRequest } from '../UserVerifier.js';

const MAX_FIELD = 120;

export interface VerificationDescription {
  message: string;
  fields: Record<'request' | 'portal' | 'site' | 'account' | 'browser', string>;
}

export function describeVerification(request: VerificationRequest): VerificationDescription {
  const portal = clean(request.origin);
  const site = clean(request.rpId ?? '');
  const account = clean(request.userName ?? '');
  const browser = clean(request.browser);
  const as = account ? ` as ${account}` : '';
  const where = `(${browser}, from ${portal})`;
  const message =
    request.action === 'signIn'
      ? `Keybound: sign in to ${site || portal}${as}? ${where}`
      : request.action === 'register'
        ? `Keybound: set up device sign-in for ${site || portal}${as}? ${where}`
        : `Keybound: let ${browser} use this device's sign-in? (${portal})`;
  return { message, fields: { request: request.action, portal, site, account, browser } };
}

function clean(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const text = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').trim();
  return text.length > MAX_FIELD ? `${text.slice(0, MAX_FIELD - 1)}…` : text;
}
