import type { z } from 'zod';

/** One field at fault: `{ path: 'payment.instructedAmount.amount', message: 'must be greater than 0, like "0.01".' }`. */
export interface ContractProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * The issues of a failed parse as a caller fixes them: the field's dotted path and the rule, with
 * unknown fields named one by one. The gateway's request validation words them the same way.
 */
export function contractProblems(error: z.ZodError): ContractProblem[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: path ? `${path}.${key}` : key,
        message: 'is not a field of this request; check its spelling against the API reference.',
      }));
    }
    // Zod reports no input on finished issues, so a missing field is known by zod's own wording; the
    // contract schemas word theirs "is required" already.
    if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
      return [{ path: path || '(body)', message: 'is required.' }];
    }
    return [{ path: path || '(body)', message: sentence(issue.message) }];
  });
}

function sentence(message: string): string {
  const text = message.replace(/^Invalid input: /, '');
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
