/**
 * The CLI's side of the control socket: one request, one response, then disconnect. A daemon
 * that is not running becomes ERR_DAEMON_UNAVAILABLE with a sentence saying how to start it.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { ErrorCode } from '../../../shared/errors.js';
import { ChannelError, KeyboundError } from '../../../shared/errors.js';
import { parseMessage } from '../../../shared/protocol/parseMessage.js';
import { type ControlRequest, controlResponse, controlSocketPath, MAX_CONTROL_LINE_BYTES } from './controlProtocol.js';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** Sends one control request to the daemon of `dataDir`; resolves to its result or throws a KeyboundError. */
export function controlCall(
  dataDir: string,
  request: WithoutId<ControlRequest>,
  timeoutMs = 10_000,
  onEvent?: (event: { event: 'protect.request'; url: string }) => void,
): Promise<unknown> {
  const path = controlSocketPath(dataDir);
  const id = randomBytes(8).toString('base64url');
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let buffered = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ChannelError('ERR_TIMEOUT', 'The daemon did not answer in time.'));
    }, timeoutMs);
    const done = (fn: () => void) => {
      clearTimeout(timer);
      socket.destroy();
      fn();
    };
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(`${JSON.stringify({ ...request, id })}\n`));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      done(() =>
        reject(
          ['ENOENT', 'ECONNREFUSED'].includes(err.code ?? '')
            ? new ChannelError(
                'ERR_DAEMON_UNAVAILABLE',
                `The keybound daemon is not running (no control socket at ${path}). Start it with \`keybound daemon\`.`,
              )
            : new ChannelError('ERR_DAEMON_UNAVAILABLE', `Cannot reach the keybound daemon at ${path}: ${err.message}`),
        ),
      ),
    );
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const parsed = parseMessage(controlResponse, buffered.slice(0, nl), MAX_CONTROL_LINE_BYTES);
        buffered = buffered.slice(nl + 1);
        if (parsed.ok && 'event' in parsed.value) {
          onEvent?.(parsed.value);
          continue;
        }
        done(() => {
          if (!parsed.ok)
            return reject(
              new ChannelError('ERR_INVALID_MESSAGE', `Unexpected answer from the daemon: ${parsed.error.message}`),
            );
          const res = parsed.value as Exclude<typeof parsed.value, { event: string }>;
          if (res.ok) return resolve(res.result);
          reject(new KeyboundError(res.error.code as ErrorCode, res.error.message));
        });
        return;
      }
      if (buffered.length > MAX_CONTROL_LINE_BYTES)
        done(() => reject(new ChannelError('ERR_MESSAGE_TOO_LARGE', 'Daemon answer too large')));
    });
    socket.on('end', () =>
      done(() => reject(new ChannelError('ERR_DAEMON_UNAVAILABLE', 'The daemon closed the control connection.'))),
    );
  });
}
