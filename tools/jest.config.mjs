import { jestConfig } from '../jest.preset.mjs';

// Three workers, not Jest's cores − 1 (one worker on CI's 2 cores): the slow specs here (the rename e2e,
// publish, the topology and docs runs) mostly wait on the processes they start (npm, tsc, the apps),
// and run one after another they were the tail of `npm test` (about 9 of its minutes on a slow machine).
export default jestConfig({ testMatch: ['<rootDir>/test/**/*.spec.ts'], maxWorkers: 3 });
