import { merchantPaymentsFamily, type MerchantPaymentsFamily } from './merchant-payments.js';
import type { FamilyContext, SandboxFamily } from './types.js';

/** The families the sandbox runs, by name; RunningSandbox exposes each for tests. */
export interface Families {
  readonly merchantPayments: MerchantPaymentsFamily;
}

/**
 * The registration point: one line per API family. A family brings its routes (catalog APIs), its
 * sandbox-only controls and its state (families/types.ts); the sandbox merges the handlers, asks each
 * family's control in turn for the one-way host's /sandbox/ paths and closes them all on close().
 */
export function createFamilies(context: FamilyContext): Families {
  const { options } = context;
  return {
    merchantPayments: merchantPaymentsFamily(context, {
      ...(options.autoAdvanceMs !== undefined ? { autoAdvanceMs: options.autoAdvanceMs } : {}),
      ...(options.callbackDisorder !== undefined ? { callbackDisorder: options.callbackDisorder } : {}),
    }),
  };
}

export function familyList(families: Families): SandboxFamily[] {
  return Object.values(families);
}

export type { FamilyContext, Handler, SandboxFamily } from './types.js';
export type { CallbackDisorder, MerchantPaymentsFamily } from './merchant-payments.js';
