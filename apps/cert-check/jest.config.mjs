import { jestConfig } from '../../jest.preset.mjs';

// The tests run the installed bin, so dist/ is brought up to date once before they start.
export default jestConfig({ globalSetup: '<rootDir>/test/support/build.mjs' });
