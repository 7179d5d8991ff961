import type { WebhookErrorCode } from '../errors/webhook-error.js';

/**
 * Why an authenticated delivery's content cannot be processed. Such a delivery is still stored and
 * acknowledged (a refusal would count toward the provider switching the subscription off and lose the
 * event), but straight into the dead letters with the reason.
 */
export type ContentProblem = 'media_type' | 'malformed_json' | 'not_an_event';

export const CONTENT_PROBLEM_CODES = {
  media_type: 'WEBHOOK_UNSUPPORTED_MEDIA_TYPE',
  malformed_json: 'WEBHOOK_INVALID_JSON',
  not_an_event: 'WEBHOOK_NOT_AN_EVENT',
} as const satisfies Record<ContentProblem, WebhookErrorCode>;

export type ParsedBody =
  | { readonly ok: true; readonly payload: Record<string, unknown> }
  | { readonly ok: false; readonly problem: 'malformed_json' | 'not_an_event'; readonly detail: string };

/** What a delivery's content amounts to: its payload when it is a JSON object, and what is wrong with it. */
export interface ContentVerdict {
  /** The JSON object, even when the content type was wrong (so a replay can still process it). */
  readonly payload: Record<string, unknown> | undefined;
  /** The first problem found; undefined when the delivery is a JSON object sent as JSON. */
  readonly problem: ContentProblem | undefined;
  /** `<CODE>: <what is wrong and what to do>`, the dead letter's `lastError`; undefined when fine. */
  readonly reason: string | undefined;
}

const JSON_TYPE = /^application\/json\s*(;|$)/i;

export function isJsonContentType(contentType: string | undefined): boolean {
  return JSON_TYPE.test(contentType ?? '');
}

/** The body as a JSON object, or why it is not one. The detail never quotes the body. */
export function parseObject(body: Uint8Array): ParsedBody {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    // V8's parse message quotes the body; the reason is listed without headers or body, so it must not.
    return { ok: false, problem: 'malformed_json', detail: `The body (${body.length} bytes) is not valid JSON.` };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return { ok: true, payload: value as Record<string, unknown> };
  }
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  return {
    ok: false,
    problem: 'not_an_event',
    detail: `The body is JSON but ${kind}, not an object (an event or a payment).`,
  };
}

/**
 * Checks the content of a delivery that passed authentication. Every problem is described in the
 * reason (a text/plain body that is not JSON either says both); the first one found is its label.
 */
export function inspectContent(contentType: string | undefined, body: Uint8Array): ContentVerdict {
  const parsed = parseObject(body);
  const problems: string[] = [];
  let problem: ContentProblem | undefined;
  if (!isJsonContentType(contentType)) {
    problem = 'media_type';
    problems.push(`Its Content-Type is ${describeContentType(contentType)}, not application/json.`);
  }
  if (!parsed.ok) {
    problem ??= parsed.problem;
    problems.push(parsed.detail);
  }
  if (problem === undefined) return { payload: parsed.ok ? parsed.payload : undefined, problem, reason: undefined };
  const advice = parsed.ok
    ? 'The body is a JSON object: if it is a valid event, replay it to process it.'
    : 'Nothing can process it: inspect the raw body (GET /admin/events/:id) and ask ConnectPay about it if it is theirs.';
  return {
    payload: parsed.ok ? parsed.payload : undefined,
    problem,
    reason: `${CONTENT_PROBLEM_CODES[problem]}: Stored and acknowledged but not processed. ${problems.join(' ')} ${advice}`,
  };
}

// The header comes from an authenticated sender but is still untrusted text in an operator's view.
function describeContentType(value: string | undefined): string {
  if (value === undefined || value.trim() === '') return 'missing';
  const printable = value.replace(/[^\u0020-\u007e]/g, '?');
  return `"${printable.length > 100 ? `${printable.slice(0, 100)}…` : printable}"`;
}
