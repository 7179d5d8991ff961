import type { z } from 'zod';
import type { ErrorDetail } from '../errors/error-body.js';
import { ValidationFailedError } from '../errors/gateway-error.js';

/**
 * Parses a request part with its zod schema, or throws a 400 whose details name every field at
 * fault by its dotted path (`payment.instructedAmount.amount`), as a caller fixes them.
 */
export function parseRequest<S extends z.ZodType>(
  schema: S,
  input: unknown,
  part: 'body' | 'path' | 'query',
): z.output<S> {
  const result = schema.safeParse(input ?? (part === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const details = result.error.issues.flatMap(toDetails);
  const count = details.length === 1 ? 'a field' : `${details.length} fields`;
  throw new ValidationFailedError(`The request ${part} is invalid: fix ${count} listed in details.`, details);
}

function toDetails(issue: z.core.$ZodIssue): ErrorDetail[] {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: path ? `${path}.${key}` : key,
      message: 'is not a field of this request; check its spelling against /docs.',
    }));
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return [{ path: path || '(body)', message: 'is required.' }];
  }
  return [{ path: path || '(body)', message: sentence(issue.message) }];
}

function sentence(message: string): string {
  const text = message.replace(/^Invalid input: /, '');
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
