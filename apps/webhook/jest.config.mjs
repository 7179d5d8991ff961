import { jestConfig } from '../../jest.preset.mjs';

export default jestConfig({
  // The crash tests run `node dist/main.js` in child processes: build it once before any suite.
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  testTimeout: 30_000,
});
