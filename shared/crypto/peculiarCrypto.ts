/**
 * @peculiar/webcrypto: a JavaScript WebCrypto layer. Kept in its own file so that code bundled
 * for the extension never pulls it in; Node tests run every crypto test against it as well as
 * against the runtime's WebCrypto, to prove the code depends on WebCrypto only.
 */
import { Crypto } from '@peculiar/webcrypto';
import type { CryptoProvider } from './CryptoProvider.js';

const peculiar = new Crypto();

/** A provider backed by `new Crypto()` from @peculiar/webcrypto (Node only). */
export const peculiarCrypto: CryptoProvider = {
  name: 'peculiar',
  subtle: peculiar.subtle as SubtleCrypto,
  getRandomValues<T extends ArrayBufferView>(array: T): T {
    return peculiar.getRandomValues(array);
  },
};
