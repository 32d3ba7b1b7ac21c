/**
 * How the daemon reaches a TPM: a byte pipe that takes one TPM 2.0 command and returns its
 * response. Two kinds: the Linux kernel resource manager (`/dev/tpmrm0`), which loads and
 * flushes objects per connection for us, and swtpm's TCP socket interface (tests, developers),
 * which has no resource manager, so the client flushes every transient object it loads.
 */
import { KeyStoreError } from '../../../../shared/errors.js';

export interface TpmTransport {
  /** Human-readable address for logs and messages (`swtpm:127.0.0.1:2321`, `/dev/tpmrm0`). */
  readonly address: string;
  /** True when a resource manager sits in front of the TPM (objects are flushed for us). */
  readonly resourceManaged: boolean;
  send(command: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

export type TpmAddress = { kind: 'swtpm'; host: string; port: number } | { kind: 'device'; path: string };

/** The environment variable that names the TPM when `--tpm` is not given. */
export const TPM_ENV = 'KEYBOUND_TPM';
export const DEFAULT_TPM_DEVICE = '/dev/tpmrm0';

/**
 * Parses `swtpm:HOST:PORT` or `device:PATH` (or a bare `/dev/...` path). Swtpm hosts are
 * loopback only: the TPM command channel is unauthenticated and must not cross a network.
 */
export function parseTpmAddress(text: string): TpmAddress {
  if (text.startsWith('/dev/')) return { kind: 'device', path: text };
  if (text.startsWith('device:') && text.length > 7) return { kind: 'device', path: text.slice(7) };
  const m = /^swtpm:(127\.0\.0\.1|localhost|\[::1\]):(\d{1,5})$/.exec(text);
  const port = Number(m?.[2]);
  if (m && port > 0 && port < 65536) return { kind: 'swtpm', host: m[1] === '[::1]' ? '::1' : (m[1] as string), port };
  throw new KeyStoreError(
    'ERR_TPM_UNAVAILABLE',
    `TPM address "${text}" is not understood, expected swtpm:127.0.0.1:PORT, device:/dev/tpmrm0 or /dev/tpmrm0`,
  );
}
