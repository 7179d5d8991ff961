import { SandboxState } from '../state.js';
import { baasScaFamily } from './baas-sca.js';
import { merchantPaymentsFamily, type MerchantPaymentsFamily } from './merchant-payments.js';
import { oauthFamily, type OAuthFamily } from './oauth.js';
import { openBankingFamily, type OpenBankingFamily } from './open-banking.js';
import type { FamilyContext, SandboxFamily } from './types.js';
import { webhookSubscriptionsFamily } from './webhook-subscriptions.js';

/** The families the sandbox runs, by name; RunningSandbox exposes each for tests. */
export interface Families {
  readonly merchantPayments: MerchantPaymentsFamily;
  readonly oauth: OAuthFamily;
  readonly openBanking: OpenBankingFamily;
  readonly baasSca: SandboxFamily;
  readonly webhookSubscriptions: SandboxFamily;
}

/**
 * The registration point: one line per API family. A family brings its routes (catalog APIs), its
 * sandbox-only controls and its state (families/types.ts); the sandbox merges the handlers, asks each
 * family's control in turn for the one-way host's /sandbox/ paths and closes them all on close().
 */
export function createFamilies(context: FamilyContext): Families {
  const { options } = context;
  // One token store: the OAuth family issues the access tokens the open-banking APIs take.
  const tokens = new SandboxState({
    accessSeconds: options.tokenLifetimes?.accessSeconds ?? 3600,
    refreshSeconds: options.tokenLifetimes?.refreshSeconds ?? 30 * 24 * 3600,
  });
  return {
    merchantPayments: merchantPaymentsFamily(context, {
      ...(options.autoAdvanceMs !== undefined ? { autoAdvanceMs: options.autoAdvanceMs } : {}),
      ...(options.callbackDisorder !== undefined ? { callbackDisorder: options.callbackDisorder } : {}),
    }),
    oauth: oauthFamily(context, tokens),
    openBanking: openBankingFamily(context, tokens),
    baasSca: baasScaFamily(context),
    webhookSubscriptions: webhookSubscriptionsFamily(context),
  };
}

export function familyList(families: Families): SandboxFamily[] {
  return Object.values(families);
}

export type { FamilyContext, Handler, SandboxFamily } from './types.js';
export type { CallbackDisorder, MerchantPaymentsFamily } from './merchant-payments.js';
export type { OAuthFamily } from './oauth.js';
export type { ObPaymentOrder, OpenBankingFamily } from './open-banking.js';
