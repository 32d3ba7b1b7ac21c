/**
 * Messages between the extension and the native-messaging host (`keybound native-host`), over
 * Chrome's framing (4-byte length + JSON). The host answers for the extension origin the browser
 * gave it on its command line, never for one named in a message.
 */
import { z } from 'zod';
import { requestId, wireError } from './common.js';

const installId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
const protectId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

export const nativeRequest = z.discriminatedUnion('type', [
  /** The daemon's port and version; whether this install is paired. */
  z.object({ id: requestId, type: z.literal('discover'), installId: installId.optional() }).strict(),
  /** A fresh pairing secret for this install (pre-authorised, or after a Protect prompt). */
  z.object({ id: requestId, type: z.literal('pair'), installId }).strict(),
  /** The Protect window's URL (with its one-time token) for a request of this extension. */
  z.object({ id: requestId, type: z.literal('protect.url'), protectId }).strict(),
]);
export type NativeRequest = z.infer<typeof nativeRequest>;

/** A Safari extension's origin: `safari-web-extension://<UUID>`, random per install. */
export const safariExtensionOrigin = z
  .string()
  .regex(
    /^safari-web-extension:\/\/[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/,
    'expected safari-web-extension://<UUID>',
  );

/**
 * COMPAT(untested: no macOS here) — Safari has no native-messaging hosts: the extension's
 * containing app answers `browser.runtime.sendNativeMessage` (one message, one answer). Safari
 * delivers only our own extension's messages to our app, but tells the app no origin, so the
 * message names it (`extensionOrigin`, a Safari origin only); the app passes it to the daemon,
 * which never pre-authorises a Safari origin. Same requests and answers as the Chrome host; a
 * `pair` that needs Protect is answered only once decided (the app opens the Protect window).
 */
export const safariNativeRequest = z.discriminatedUnion('type', [
  nativeRequest.options[0].extend({ extensionOrigin: safariExtensionOrigin }).strict(),
  nativeRequest.options[1].extend({ extensionOrigin: safariExtensionOrigin }).strict(),
  nativeRequest.options[2].extend({ extensionOrigin: safariExtensionOrigin }).strict(),
]);
export type SafariNativeRequest = z.infer<typeof safariNativeRequest>;

export const discoverResult = z
  .object({ port: z.number().int().min(1).max(65535), daemonVersion: z.string().max(64), paired: z.boolean() })
  .strict();
export const pairResult = z
  .object({
    port: z.number().int().min(1).max(65535),
    secret: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    pairedAt: z.string().max(64),
  })
  .strict();
export const protectUrlResult = z
  .object({
    url: z
      .string()
      .regex(/^http:\/\/127\.0\.0\.1:\d+\/protect\//)
      .max(2048),
  })
  .strict();

export const nativeResponse = z.union([
  z.object({ id: requestId, ok: z.literal(true), result: z.unknown() }).strict(),
  z.object({ id: requestId.or(z.literal('-')), ok: z.literal(false), error: wireError }).strict(),
  /** Sent before a `pair` answer when the daemon asks Protect: the extension opens this window. */
  z
    .object({
      id: requestId,
      type: z.literal('protect.request'),
      url: z
        .string()
        .regex(/^http:\/\/127\.0\.0\.1:\d+\/protect\//)
        .max(2048),
    })
    .strict(),
]);
export type NativeResponse = z.infer<typeof nativeResponse>;

/** Largest message the host accepts from the browser (the browser allows 64 MiB; we need little). */
export const MAX_NATIVE_REQUEST_BYTES = 64 * 1024;
/** Largest message a host may send to the browser (Chrome's limit). */
export const MAX_NATIVE_RESPONSE_BYTES = 1024 * 1024;
