import { createHash } from 'node:crypto';
import { type ApiName, InitiatePaymentResponseSchema, PaymentDetailsSchema } from '@connectpay-kit/hosts';
import type { ProviderResponse } from '@connectpay-kit/transport';
import type { z } from 'zod';
import { ProviderInvalidResponseError } from '../errors/gateway-error.js';

/**
 * Schemas of the 2xx answers the gateway checks beyond "a JSON object", by catalog API: the merchant
 * v2 contract in packages/hosts. An API listed here whose answer does not parse gets 502
 * PROVIDER_INVALID_RESPONSE instead of a body its caller would misread (a 201 without a paymentId).
 */
export const RESPONSE_SCHEMAS: Partial<Record<ApiName, z.ZodType>> = {
  'merchant.payments.create': InitiatePaymentResponseSchema,
  'merchant.payments.get': PaymentDetailsSchema,
};

/** Answers that say "done, nothing to show": an empty body is theirs to have. */
const EMPTY_ALLOWED = new Set([202, 204, 205]);

// application/json and structured-syntax JSON types (application/problem+json, ...), with parameters.
const JSON_MEDIA_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/**
 * Throws ProviderInvalidResponseError when a 2xx answer is not what the API answers: not JSON (an
 * HTML maintenance page from a proxy in front of ConnectPay), not an object, or not its schema. A 202,
 * 204 or 205 may be empty. The body is never passed on or logged: only its SHA-256, to match it with the
 * provider's or a proxy's logs.
 */
export function checkProviderAnswer(api: ApiName, response: ProviderResponse): void {
  if (response.body === undefined && EMPTY_ALLOWED.has(response.status)) return;
  const contentType = response.headers['content-type'] ?? '';
  const { body } = response;
  let problem: string | undefined;
  if (contentType !== 'application/json' && !JSON_MEDIA_TYPE.test(contentType)) {
    problem = `its content type is ${contentType === '' ? 'missing' : `"${contentType.slice(0, 60)}"`}, not JSON`;
  } else if (typeof body !== 'object' || body === null) {
    problem = 'its body is not a JSON object';
  } else {
    const schema = RESPONSE_SCHEMAS[api];
    const result = schema?.safeParse(body);
    if (result && !result.success) {
      const first = result.error.issues[0];
      problem = `its body does not match the ${api} answer (${first ? `${first.path.join('.') || '(body)'}: ${first.message}` : 'schema'})`;
    }
  }
  if (problem === undefined) return;
  const text = typeof body === 'string' ? body : (JSON.stringify(body) ?? '');
  const bodySha256 = createHash('sha256').update(text).digest('hex');
  throw new ProviderInvalidResponseError(
    api,
    `ConnectPay answered ${api} with HTTP ${response.status}, but ${problem}; the answer was not passed on. Retry later; if it persists, report the request id and body hash to ConnectPay.`,
    bodySha256,
  );
}
