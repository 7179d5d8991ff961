import type { RuleContext } from '../engine/types.js';

/**
 * PSD2 rules run when the caller asks for PSD2 (psd2 option) or when the leaf itself claims to be a
 * PSD2 certificate: a certificate carrying a malformed PSD2 statement is wrong whatever the API.
 */
export function psd2Applies(context: RuleContext): boolean {
  if (!context.leaf) return false;
  return context.psd2 !== undefined || context.qc.get(context.leaf)?.psd2 !== undefined;
}
