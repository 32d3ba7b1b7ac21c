/**
 * Opens the TPM key store at an address (`swtpm:127.0.0.1:PORT`, `/dev/tpmrm0`): transport,
 * client, and a first exchange with the TPM (creating the storage root key), so a TPM that does
 * not answer fails at start with ERR_TPM_UNAVAILABLE, not at the first sign-in.
 */
import { DeviceTransport } from './DeviceTransport.js';
import { SwtpmSocketTransport } from './SwtpmSocketTransport.js';
import { TpmClient } from './TpmClient.js';
import { TpmKeyStore } from './TpmKeyStore.js';
import { parseTpmAddress, type TpmTransport } from './TpmTransport.js';

export async function openTpmKeyStore(args: { dataDir: string; tpm: string; now?: () => Date }): Promise<TpmKeyStore> {
  const address = parseTpmAddress(args.tpm);
  const transport: TpmTransport =
    address.kind === 'swtpm' ? new SwtpmSocketTransport(address.host, address.port) : new DeviceTransport(address.path);
  const store = new TpmKeyStore(args.dataDir, new TpmClient(transport), args.now);
  try {
    return await store.open();
  } catch (err) {
    await transport.close().catch(() => undefined);
    throw err;
  }
}
