/**
 * A TCP port free on 127.0.0.1 a moment ago, for a process that must be told its port before it
 * starts (PostgreSQL, a portal restarted on the same origin). Another process may take it in
 * between: prefer port 0 and reading the port back wherever the process allows it.
 */
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
