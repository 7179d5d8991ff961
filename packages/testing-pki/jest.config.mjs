import { jestConfig } from '../../jest.preset.mjs';

// RSA key generation on a loaded 2-core machine can take a while; the default 5 s is too tight.
export default jestConfig({ testTimeout: 30_000 });
