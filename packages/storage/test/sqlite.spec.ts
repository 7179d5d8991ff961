import { storageContract } from './contract/storage.contract.js';
import { sqliteHarness } from './support/sqlite-harness.js';

describe('storage on SQLite', () => {
  storageContract(sqliteHarness);
});
