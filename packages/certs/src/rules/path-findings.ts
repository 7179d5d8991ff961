import type { FindingDraft, RuleContext } from '../engine/types.js';
import type { PathCheck } from '../path/validate.js';

/** The findings of one path check, each on the file certificate it is about (when it is in the file). */
export function pathFindings(context: RuleContext, check: PathCheck): FindingDraft[] {
  const path = context.chain?.path ?? [];
  return (context.chain?.problems ?? [])
    .filter((problem) => problem.check === check)
    .map((problem) => {
      const index = path[problem.position]?.index;
      return { ...(index === undefined ? {} : { certificate: index }), message: problem.message, hint: problem.hint };
    });
}
