import { jestConfig } from '../jest.preset.mjs';

export default jestConfig({ testMatch: ['<rootDir>/test/**/*.spec.ts'] });
