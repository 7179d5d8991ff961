// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill
// loaded first, and it looks up WebCrypto through a provider that Node does not set by itself.
// Every module of this package imports x509 from here so both happen once, in this order.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
