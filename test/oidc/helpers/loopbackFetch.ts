/**
 * fetch for tests that restart a server on the same port: Node's fetch keeps idle keep-alive
 * sockets, and the first request after a restart can land on one the old server already closed
 * ("other side closed", before the request was read). That one case is retried once; any other
 * failure is thrown as is.
 */
export async function loopbackFetch(input: string | URL, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code;
    if (code !== 'UND_ERR_SOCKET') throw err;
    return fetch(input, init);
  }
}
