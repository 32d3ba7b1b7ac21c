/**
 * Protocol v1 between the extension's service worker and the daemon, defined once.
 *
 * Client (worker) → daemon: a request `{ type, id, ...payload }`.
 * Daemon → client: `{ type: 'result', id, ok: true, result }`, `{ type: 'result', id, ok: false,
 * error }`, or an event `{ type: 'event', ... }` (Protect needs the user).
 *
 * Order on a connection: `hello` (version negotiation, returns a nonce) → `auth` (proof of the
 * pairing secret) or `pair` (first connection of an install) → any other request.
 */
import { z } from 'zod';
import { base64url, knownCredentialIds, origin, requestId, rpId, wireError } from './common.js';
import { deviceSummary, eligibility } from './device.js';
import { registrationResult, signInResult } from './results.js';
import { creationOptionsJSON, requestOptionsJSON } from './webauthnJson.js';

const req = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), id: requestId, ...shape }).strict();

/** A user name (the portal's company email). */
const userName = z.string().min(1).max(256);

/** A per-install identifier the extension creates once (random, not secret). */
const installId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

export const helloRequest = req('hello', {
  versions: z.array(z.number().int().positive()).min(1).max(8),
  installId,
  client: z.object({ browser: z.enum(['chrome', 'safari', 'other']), extensionVersion: z.string().max(32) }).strict(),
});
/** First connection of an install: ECDH public key (raw, uncompressed P-256, 65 bytes). */
export const pairRequest = req('pair', { publicKey: base64url.min(80).max(100) });
/** Later connections: HMAC-SHA-256 over the transcript with the pairing secret (32 bytes). */
export const authRequest = req('auth', { proof: base64url.length(43) });
export const pingRequest = req('ping', {});
/**
 * `knownCredentialIds`: the credentials the portal knows for this user (its allowCredentials or
 * excludeCredentials). With it, `registered` means "holds one the portal knows" and `orphaned`
 * says the device holds one for this user that the portal does not know (decision 0052).
 */
export const statusRequest = req('status', {
  rpId: rpId.optional(),
  userName: userName.optional(),
  knownCredentialIds: knownCredentialIds.optional(),
});
export const registerRequest = req('register', { origin, options: creationOptionsJSON });
export const signInRequest = req('signIn', { origin, options: requestOptionsJSON });
export const accountsListRequest = req('accounts.list', {});
export const accountsShowRequest = req('accounts.show', { accountId: z.string().min(1).max(256) });
export const accountsDeleteRequest = req('accounts.delete', { accountId: z.string().min(1).max(256) });
export const settingsGetRequest = req('settings.get', {});
export const settingsSetRequest = req('settings.set', { deviceSignIn: z.boolean() });
/**
 * The requester abandons one of its own pending requests on this connection (the page that asked
 * navigated away or closed): a Protect prompt for it ends as `cancelled`. Cancelling is all a
 * requester can do with a request; approving is never possible from the WebSocket.
 */
export const cancelRequest = req('cancel', { requestId });

/**
 * Device-bound sessions (DBSC, issue 11): the worker plays the browser's part and the daemon holds
 * the session key. `endpoint` is the URL the proof is for (its `aud`); `keyId` is the key's RFC 7638
 * thumbprint. A DBSC challenge is an sf-string; the portal's are 43 base64url characters.
 */
const dbscChallenge = z.string().min(16).max(256);
const httpUrl = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^/\s]+\/\S*$/, 'expected an http(s) URL');
const keyId = base64url.length(43);
export const sessionRegisterRequest = req('session.register', {
  origin,
  endpoint: httpUrl,
  challenge: dbscChallenge,
  authorization: z.string().max(1024).optional(),
});
export const sessionRefreshRequest = req('session.refresh', {
  origin,
  endpoint: httpUrl,
  keyId,
  challenge: dbscChallenge,
});
export const sessionForgetRequest = req('session.forget', { origin, keyId });

export const clientMessage = z.discriminatedUnion('type', [
  helloRequest,
  pairRequest,
  authRequest,
  pingRequest,
  statusRequest,
  registerRequest,
  signInRequest,
  accountsListRequest,
  accountsShowRequest,
  accountsDeleteRequest,
  settingsGetRequest,
  settingsSetRequest,
  cancelRequest,
  sessionRegisterRequest,
  sessionRefreshRequest,
  sessionForgetRequest,
]);
export type ClientMessage = z.infer<typeof clientMessage>;
export type RequestType = ClientMessage['type'];
export type RequestOf<T extends RequestType> = Extract<ClientMessage, { type: T }>;
/** A request's parameters: the message without its envelope (`type`, `id`). */
export type PayloadOf<T extends RequestType> = Omit<RequestOf<T>, 'type' | 'id'>;

/** A Protect account as listed in Protect's Accounts tab. */
export const account = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('device-signin'),
      id: z.string(),
      rpId,
      origin: origin.optional(),
      userName,
      userDisplayName: z.string().max(256).optional(),
      createdAt: z.string(),
      lastUsedAt: z.string().nullable(),
      counter: z.number().int().nonnegative(),
      deviceId: z.string().max(128).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('totp'),
      id: z.string(),
      issuer: z.string().max(256),
      label: z.string().max(256),
      createdAt: z.string(),
    })
    .strict(),
]);
export type Account = z.infer<typeof account>;

export const settings = z.object({ deviceSignIn: z.boolean(), notifications: z.boolean() }).strict();

/** The result schema of each request type: the daemon → worker boundary validates with these. */
export const resultSchemas = {
  hello: z
    .object({
      version: z.number().int(),
      daemonVersion: z.string().max(32),
      nonce: base64url.length(43),
      paired: z.boolean(),
      pairingPreauthorized: z.boolean(),
      /** True when the upgrade already proved the pairing (decision 0040): no `auth` needed. */
      authenticated: z.boolean().optional(),
    })
    .strict(),
  pair: z.object({ publicKey: base64url.min(80).max(100), pairedAt: z.string() }).strict(),
  auth: z.object({ authenticated: z.literal(true) }).strict(),
  ping: z.object({ pong: z.literal(true) }).strict(),
  status: z
    .object({
      daemonVersion: z.string().max(32),
      device: deviceSummary,
      eligibility,
      registered: z.boolean(),
      /** Set when `knownCredentialIds` was given: the device's credential is unknown to the portal. */
      orphaned: z.boolean().optional(),
    })
    .strict(),
  register: registrationResult,
  signIn: signInResult,
  'accounts.list': z.object({ accounts: z.array(account).max(20_000) }).strict(),
  'accounts.show': z.object({ account }).strict(),
  'accounts.delete': z.object({ deleted: z.literal(true) }).strict(),
  'settings.get': settings,
  'settings.set': settings,
  /** `cancelled: false` when no such request was pending on this connection (already answered). */
  cancel: z.object({ cancelled: z.boolean() }).strict(),
  'session.register': z.object({ keyId, proof: z.string().max(16_384) }).strict(),
  'session.refresh': z.object({ proof: z.string().max(16_384) }).strict(),
  'session.forget': z.object({ forgotten: z.boolean() }).strict(),
} satisfies Record<RequestType, z.ZodType>;
export type ResultOf<T extends RequestType> = z.infer<(typeof resultSchemas)[T]>;

export const resultOk = z
  .object({ type: z.literal('result'), id: requestId, ok: z.literal(true), result: z.unknown() })
  .strict();
export const resultErr = z
  .object({ type: z.literal('result'), id: requestId.or(z.literal('-')), ok: z.literal(false), error: wireError })
  .strict();

/**
 * Protect needs the user. No URL and no token: the WebSocket never carries an approval capability
 * (decision 0040). The extension asks its native host for the window's URL (`protect.url`).
 */
export const protectRequestEvent = z
  .object({
    type: z.literal('event'),
    event: z.literal('protect.request'),
    requestId,
    protectId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
    action: z.enum(['pair', 'register', 'signIn']),
  })
  .strict();
/**
 * Protect finished: the extension closes its window and brings the original tab back. `cancelled`:
 * the request was abandoned (cancelled by its requester, its connection closed, the daemon stopped).
 */
export const protectDoneEvent = z
  .object({
    type: z.literal('event'),
    event: z.literal('protect.done'),
    requestId,
    protectId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
    outcome: z.enum(['approved', 'denied', 'timeout', 'cancelled']),
  })
  .strict();

export const daemonMessage = z.union([resultOk, resultErr, protectRequestEvent, protectDoneEvent]);
export type DaemonMessage = z.infer<typeof daemonMessage>;
export type ProtectRequestEvent = z.infer<typeof protectRequestEvent>;
export type ProtectDoneEvent = z.infer<typeof protectDoneEvent>;
