/**
 * The control socket (`control.sock` in the data dir, mode 0600; a named pipe on Windows) that
 * `keybound protect|status` talk to. Newline-delimited JSON; each line is size-capped, parsed in a
 * try and validated strictly before its handler runs; failures are answered, never thrown.
 */
import { chmod, unlink } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { KeyboundError, toWireError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/node/createLogger.js';
import { parseMessage } from '../../../shared/protocol/parseMessage.js';
import { type ControlResponse, controlRequest, controlSocketPath, MAX_CONTROL_LINE_BYTES } from './controlProtocol.js';
import { type ControlDeps, handleControlRequest } from './handleControlRequest.js';

export interface ControlServer {
  path: string;
  close(): Promise<void>;
}

/** Listens on the data dir's control socket. Refuses to start when another daemon owns it. */
export async function createControlServer(args: {
  dataDir: string;
  logger: Logger;
  deps: ControlDeps;
}): Promise<ControlServer> {
  const path = controlSocketPath(args.dataDir);
  const isPipe = process.platform === 'win32';
  if (!isPipe) await removeStaleSocket(path);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveSocket(socket, args.logger, args.deps);
  });
  // The socket is created by bind() inside listen(): a tight umask makes it 0600 from birth.
  const oldMask = isPipe ? undefined : process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    if (oldMask !== undefined) process.umask(oldMask);
  }
  if (!isPipe) await chmod(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        (server as Server).close(() => resolve());
      }),
  };
}

function serveSocket(socket: Socket, logger: Logger, deps: ControlDeps): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('error', () => socket.destroy());
  const closed = new AbortController();
  socket.on('close', () => closed.abort());
  const reply = (res: ControlResponse) => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(res)}\n`);
  };
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    if (Buffer.byteLength(buffered) > MAX_CONTROL_LINE_BYTES && !buffered.includes('\n')) {
      reply({ id: '-', ok: false, error: { code: 'ERR_MESSAGE_TOO_LARGE', message: 'Control message too large' } });
      socket.end();
      return;
    }
    let nl = buffered.indexOf('\n');
    while (nl >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      nl = buffered.indexOf('\n');
      if (line.trim() === '') continue;
      const parsed = parseMessage(controlRequest, line, MAX_CONTROL_LINE_BYTES);
      if (!parsed.ok) {
        logger.warn({ event: 'control.refused', code: parsed.error.code }, 'invalid control message');
        reply({
          id: parsed.id && /^[A-Za-z0-9_-]{1,64}$/.test(parsed.id) ? parsed.id : '-',
          ok: false,
          error: parsed.error,
        });
        continue;
      }
      const req = parsed.value;
      const ctx = {
        signal: closed.signal,
        emit: (e: { event: 'protect.request'; url: string }) => reply({ id: req.id, ...e }),
      };
      handleControlRequest(req, deps, ctx).then(
        (result) => {
          logger.info({ event: 'control.handled', op: req.op }, 'control request');
          reply({ id: req.id, ok: true, result: result ?? null });
        },
        (err: unknown) => {
          const wire = toWireError(err);
          if (!(err instanceof KeyboundError))
            logger.error({ event: 'control.failed', op: req.op, code: wire.code, err }, 'control request failed');
          reply({ id: req.id, ok: false, error: wire });
        },
      );
    }
  });
}

/** A leftover socket file from a crashed daemon is removed; a live one means another daemon runs. */
async function removeStaleSocket(path: string): Promise<void> {
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new Error(`Another keybound daemon is already running with this data dir (${path}).`);
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}
