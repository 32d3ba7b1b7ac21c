/**
 * The control socket protocol between `keybound protect|status` and a running daemon:
 * newline-delimited JSON, one request `{ id, op, ... }` per line, one response `{ id, ok, ... }`
 * per line. The socket file's mode (0600, in a 0700 data dir) is its authentication: only this OS
 * user can connect. Both directions are parsed strictly like every other boundary.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { wireError } from '../../../shared/protocol/common.js';
import { safariExtensionOrigin } from '../../../shared/protocol/nativeMessaging.js';

export const CONTROL_SOCKET_FILE = 'control.sock';
/** Largest line either side accepts. */
export const MAX_CONTROL_LINE_BYTES = 256 * 1024;

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const op = <T extends string, S extends z.ZodRawShape>(name: T, shape: S) =>
  z.object({ id, op: z.literal(name), ...shape }).strict();
const entityId = z.string().min(1).max(256);
const chromeOrigin = z.string().regex(/^chrome-extension:\/\/[a-p]{32}$/, 'expected chrome-extension://<id>');
/** Chrome's host names the origin the browser gave it; Safari's containing app, its extension's (decision 0042). */
const vouchedOrigin = chromeOrigin.or(safariExtensionOrigin);
const installId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

export const controlRequest = z.discriminatedUnion('op', [
  op('status', {}),
  op('protect.pending', {}),
  op('protect.approve', { protectId: entityId }),
  op('protect.deny', { protectId: entityId }),
  op('accounts.list', {}),
  op('accounts.show', { accountId: entityId }),
  op('accounts.delete', { accountId: entityId }),
  op('settings.deviceSignIn', { on: z.boolean() }),
  op('settings.notifications', { on: z.boolean() }),
  op('protect.install', { source: z.enum(['managed', 'personal']) }),
  op('protect.uninstall', {}),
  op('totp.add', { uri: z.string().min(1).max(2048) }),
  op('totp.code', { accountId: entityId }),
  // The native-messaging host (decision 0040): `extensionOrigin` is what the browser told the host.
  op('native.discover', { extensionOrigin: vouchedOrigin, installId: installId.optional() }),
  op('native.pair', { extensionOrigin: vouchedOrigin, installId }),
  op('protect.url', { protectId: entityId, extensionOrigin: vouchedOrigin }),
]);
export type ControlRequest = z.infer<typeof controlRequest>;
export type ControlOp = ControlRequest['op'];

export const controlResponse = z.union([
  z.object({ id, ok: z.literal(true), result: z.unknown() }).strict(),
  /** Sent before the answer to `native.pair` when the daemon asks Protect: the window to open. */
  z.object({ id, event: z.literal('protect.request'), url: z.string().max(2048) }).strict(),
  z.object({ id: id.or(z.literal('-')), ok: z.literal(false), error: wireError }).strict(),
]);
export type ControlResponse = z.infer<typeof controlResponse>;

/** Where the control socket of the daemon using `dataDir` listens (a named pipe on Windows). */
export function controlSocketPath(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') {
    return `\\\\.\\pipe\\keybound-${createHash('sha256').update(dataDir).digest('hex').slice(0, 24)}`;
  }
  return join(dataDir, CONTROL_SOCKET_FILE);
}
