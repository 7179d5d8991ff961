import type { HarnessFactory } from '../support/harness.js';
import { authStateStoreContract } from './auth-states.contract.js';
import { inboxAppendContract } from './inbox-append.contract.js';
import { inboxProcessingContract } from './inbox-processing.contract.js';
import { lifecycleContract } from './lifecycle.contract.js';
import { resourceStateStoreContract } from './resources.contract.js';
import { tokenStoreContract } from './tokens.contract.js';

/** The behaviour both adapters promise; each dialect's spec runs it against a real database. */
export function storageContract(factory: HarnessFactory): void {
  tokenStoreContract(factory);
  authStateStoreContract(factory);
  inboxAppendContract(factory);
  inboxProcessingContract(factory);
  resourceStateStoreContract(factory);
  lifecycleContract(factory);
}
