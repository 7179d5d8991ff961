// The one place @peculiar/x509 is loaded: it needs the reflect-metadata polyfill first (tsyringe) and a
// WebCrypto provider. Imported dynamically, only when a CRL must be read, to keep start-up fast.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
