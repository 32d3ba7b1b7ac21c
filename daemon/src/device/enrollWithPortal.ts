/**
 * Registers the device identity key with a portal's device inventory (the contract in the
 * brief): POST <portal>/api/devices/enroll `{ token, publicKey, enrollmentType, platform, name }`
 * → 201 `{ deviceId, organisation }`; errors `{ error: { code, message } }`. A TPM key store first
 * asks for an activation challenge (`/api/devices/enroll/tpm-challenge`) and sends `tpm` evidence. Loopback portals
 * only in this build (the emulator and tests); the response is size-capped, parsed in a try and
 * schema-checked like every other boundary.
 */
import { z } from 'zod';
import { DeviceError, PortalError } from '../../../shared/errors.js';
import type { EnrollmentType, Platform } from '../../../shared/protocol/device.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const MAX_RESPONSE_BYTES = 16 * 1024;
const DEFAULT_TIMEOUT_MS = 10_000;

const enrolled = z
  .object({
    deviceId: z.string().min(1).max(128),
    organisation: z.string().min(1).max(256),
    /** TPM enrollments: the portal's certificate for the activated attestation key (base64url DER). */
    attestationCertificate: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .max(8192)
      .optional(),
    keyProtection: z.enum(['tpm', 'software']).optional(),
  })
  .strict();
const failure = z
  .object({ error: z.object({ code: z.string().max(64), message: z.string().max(1024) }).strict() })
  .strict();

/** What a TPM key store proves at enrollment (decision 0061); see tpmEnrollment.ts. */
export interface TpmEnrollmentProof {
  /** EK certificate, AK public area, and the identity key certified by the AK. */
  evidence(token: string): Promise<Record<string, string>>;
  /** ActivateCredential on the portal's challenge: the secret, base64url. */
  activate(challenge: { credentialBlob: string; encryptedSecret: string }): Promise<string>;
}

const b64 = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/)
  .max(8192);
const tpmChallenge = z.object({ credentialBlob: b64, encryptedSecret: b64 }).strict();

/** The portal's answer: the inventory's id for this device and the organisation it belongs to. */
export async function enrollWithPortal(args: {
  portal: string;
  token: string;
  publicKey: JsonWebKey;
  enrollmentType: EnrollmentType;
  platform: Platform;
  name: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  tpm?: TpmEnrollmentProof;
}): Promise<{ deviceId: string; organisation: string; attestationCertificate?: string }> {
  const url = enrollUrl(args.portal);
  const post = (to: URL, body: unknown) =>
    postJson(to, body, args.timeoutMs ?? DEFAULT_TIMEOUT_MS, args.fetch ?? fetch);
  let tpm: Record<string, string> | undefined;
  if (args.tpm) {
    // Step 1: show the EK certificate and the AK; the portal answers with MakeCredential's blob.
    const evidence = await args.tpm.evidence(args.token);
    const res = await post(new URL('/api/devices/enroll/tpm-challenge', url), { token: args.token, ...evidence });
    if (res.status !== 200) refused(res, url, 200);
    const challenge = tpmChallenge.safeParse(res.body);
    if (!challenge.success) {
      throw new DeviceError(
        'ERR_ENROLLMENT_FAILED',
        `The portal at ${url.origin} answered 200 with an unexpected body`,
      );
    }
    // Step 2: only the TPM holding that EK, with that AK loaded, recovers the secret.
    tpm = { ...evidence, activationSecret: await args.tpm.activate(challenge.data) };
  }
  const { kty, crv, x, y } = args.publicKey;
  const res = await post(url, {
    token: args.token,
    publicKey: { kty, crv, x, y },
    enrollmentType: args.enrollmentType,
    platform: args.platform,
    name: args.name,
    ...(tpm ? { tpm } : {}),
  });
  if (res.status === 201) {
    const ok = enrolled.safeParse(res.body);
    if (ok.success) return ok.data;
    throw new DeviceError('ERR_ENROLLMENT_FAILED', `The portal at ${url.origin} answered 201 with an unexpected body`);
  }
  return refused(res, url, 201);
}

function refused(res: { status: number; body: unknown }, url: URL, expected: number): never {
  const err = failure.safeParse(res.body);
  const code = err.success ? err.data.error.code.replace(/^ERR_/, '') : undefined;
  if (res.status === 401 || code === 'ENROLLMENT_TOKEN_INVALID') {
    throw new PortalError(
      'ERR_ENROLLMENT_TOKEN_INVALID',
      'The portal refused the enrollment token; get a new one from your admin and try again',
    );
  }
  const detail = err.success ? `: ${err.data.error.message}` : '';
  throw new DeviceError(
    'ERR_ENROLLMENT_FAILED',
    `The portal at ${url.origin} refused enrollment with status ${res.status}, expected ${expected}${detail}`,
  );
}

async function postJson(
  url: URL,
  body: unknown,
  timeoutMs: number,
  doFetch: typeof fetch,
): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (cause) {
    const timedOut = (cause as Error)?.name === 'TimeoutError';
    throw new DeviceError(
      'ERR_ENROLLMENT_FAILED',
      timedOut
        ? `The portal at ${url.origin} did not answer in time; try again`
        : `Cannot reach the portal at ${url.origin}; check the address and that it is running`,
      { cause },
    );
  }
  return { status: res.status, body: await readJson(res, url) };
}

function enrollUrl(portal: string): URL {
  let base: URL;
  try {
    base = new URL(portal);
  } catch {
    throw new DeviceError(
      'ERR_ENROLLMENT_FAILED',
      `Portal "${portal}" is not a URL, expected e.g. http://localhost:3000`,
    );
  }
  if (!LOOPBACK.has(base.hostname) || (base.protocol !== 'http:' && base.protocol !== 'https:')) {
    throw new DeviceError(
      'ERR_ENROLLMENT_FAILED',
      `Portal "${base.origin}" is not on this machine, expected http://localhost:<port> or http://127.0.0.1:<port>`,
    );
  }
  return new URL('/api/devices/enroll', base.origin);
}

async function readJson(res: Response, url: URL): Promise<unknown> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  const bytes = declared > MAX_RESPONSE_BYTES ? undefined : new Uint8Array(await res.arrayBuffer());
  if (!bytes || bytes.byteLength > MAX_RESPONSE_BYTES) {
    await res.body?.cancel().catch(() => undefined);
    throw new DeviceError(
      'ERR_ENROLLMENT_FAILED',
      `The portal at ${url.origin} sent more than ${MAX_RESPONSE_BYTES} bytes`,
    );
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}
