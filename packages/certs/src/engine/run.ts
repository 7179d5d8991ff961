import { InternalCertsError } from '../errors.js';
import type { Finding, Rule, RuleContext, RuleId } from './types.js';

export interface RuleSelection<Id extends string = RuleId> {
  /** Run only these rules. */
  readonly only?: readonly Id[];
  /** Skip these rules (e.g. a team that accepts a known warning). */
  readonly skip?: readonly Id[];
}

export function runRules<Id extends string>(
  rules: readonly Rule<Id>[],
  context: RuleContext,
  selection: RuleSelection<Id> = {},
): Finding<Id>[] {
  const findings: Finding<Id>[] = [];
  for (const rule of rules) {
    if (selection.only && !selection.only.includes(rule.id)) continue;
    if (selection.skip?.includes(rule.id)) continue;
    try {
      if (rule.appliesWhen && !rule.appliesWhen(context)) continue;
      for (const draft of rule.check(context)) findings.push({ rule: rule.id, severity: rule.severity, ...draft });
    } catch (error) {
      throw new InternalCertsError(`rule ${rule.id}`, error);
    }
  }
  return findings;
}
