/**
 * `keybound native-host <origin>`: the process Chrome starts when the Keybound extension calls
 * `runtime.connectNative('dev.keybound.native_host')`. Chrome passes the caller's origin
 * (`chrome-extension://<id>/`) as the first argument — the browser, not a header, vouches for it.
 * Each message from stdin (Chrome framing) becomes one control-socket call to this OS user's
 * daemon, answered on stdout. The host exits when the browser closes stdin, abandoning (and so
 * cancelling) anything still waiting.
 */
import type { Readable, Writable } from 'node:stream';
import { ChannelError, toWireError } from '../../../shared/errors.js';
import {
  MAX_NATIVE_REQUEST_BYTES,
  MAX_NATIVE_RESPONSE_BYTES,
  type NativeRequest,
  type NativeResponse,
  nativeRequest,
} from '../../../shared/protocol/nativeMessaging.js';
import { parseMessage } from '../../../shared/protocol/parseMessage.js';
import { controlCall } from '../control/controlClient.js';
import { checkControlSocketOwner } from './checkControlSocketOwner.js';
import { encodeFrame, FrameReader } from './nativeMessagingFrames.js';

export interface NativeHostOptions {
  /** The arguments the browser passed (first: the caller's origin; Windows adds --parent-window). */
  args: readonly string[];
  dataDir: string;
  stdin: Readable;
  stdout: Writable;
  call?: typeof controlCall;
}

/** How long a pairing may wait for Protect (the daemon's own timeout ends it first). */
const PAIR_TIMEOUT_MS = 180_000;

/** The caller's origin as Chrome passes it, without the trailing slash; undefined if absent or malformed. */
export function callerOrigin(args: readonly string[]): string | undefined {
  const match = args.map((a) => /^chrome-extension:\/\/([a-p]{32})\/?$/.exec(a)).find(Boolean);
  return match ? `chrome-extension://${match[1]}` : undefined;
}

/** Serves the browser until stdin ends; resolves to the exit code. */
export async function runNativeHost(options: NativeHostOptions): Promise<number> {
  const call = options.call ?? controlCall;
  const origin = callerOrigin(options.args);
  const reader = new FrameReader(MAX_NATIVE_REQUEST_BYTES);
  const write = (message: NativeResponse) => {
    try {
      options.stdout.write(encodeFrame(message, MAX_NATIVE_RESPONSE_BYTES));
    } catch (err) {
      const error = toWireError(err);
      if ('id' in message)
        options.stdout.write(encodeFrame({ id: message.id, ok: false, error }, MAX_NATIVE_RESPONSE_BYTES));
    }
  };

  const handle = async (text: string) => {
    const parsed = parseMessage(nativeRequest, text, MAX_NATIVE_REQUEST_BYTES);
    if (!parsed.ok) {
      const id = parsed.id && /^[A-Za-z0-9_.:-]{1,64}$/.test(parsed.id) ? parsed.id : '-';
      return write({ id, ok: false, error: parsed.error });
    }
    const req = parsed.value;
    try {
      if (!origin) {
        // COMPAT(untested: no macOS here) — Safari's containing app passes no origin; it serves the
        // same messages through browser.runtime.sendNativeMessage and names the extension itself.
        throw new ChannelError('ERR_BAD_ORIGIN', 'The browser did not name the calling extension; refusing.');
      }
      await checkControlSocketOwner(options.dataDir);
      write({ id: req.id, ok: true, result: await serve(req, origin, options.dataDir, call, write) });
    } catch (err) {
      write({ id: req.id, ok: false, error: toWireError(err) });
    }
  };

  await new Promise<void>((resolve) => {
    options.stdin.on('data', (chunk: Buffer) => {
      let frames: string[];
      try {
        frames = reader.push(chunk);
      } catch (err) {
        write({ id: '-', ok: false, error: toWireError(err) });
        options.stdin.destroy();
        resolve();
        return;
      }
      for (const frame of frames) void handle(frame);
    });
    options.stdin.once('end', () => resolve());
    options.stdin.once('close', () => resolve());
    options.stdin.once('error', () => resolve());
  });
  // The browser closed the port: whatever is still waiting (a Protect prompt) is abandoned; the
  // caller exits, which closes the control connections and so cancels those prompts.
  return 0;
}

function serve(
  req: NativeRequest,
  extensionOrigin: string,
  dataDir: string,
  call: typeof controlCall,
  write: (m: NativeResponse) => void,
): Promise<unknown> {
  switch (req.type) {
    case 'discover':
      return call(dataDir, {
        op: 'native.discover',
        extensionOrigin,
        ...(req.installId ? { installId: req.installId } : {}),
      });
    case 'pair':
      return call(dataDir, { op: 'native.pair', extensionOrigin, installId: req.installId }, PAIR_TIMEOUT_MS, (e) =>
        write({ id: req.id, type: 'protect.request', url: e.url }),
      );
    case 'protect.url':
      return call(dataDir, { op: 'protect.url', protectId: req.protectId, extensionOrigin });
    default: {
      const never: never = req;
      throw new TypeError(`Unhandled native request ${(never as { type: string }).type}`);
    }
  }
}
