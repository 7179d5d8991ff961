import type { Environment, InitiatePaymentRequest } from '@connectpay-kit/hosts';
import type { ErrorDetail } from '../errors/error-body.js';

const CALLBACK_FIELDS = ['redirectUrl', 'notificationUrl'] as const;

/**
 * Outside `local`, the payer's return URL and the notification URL must be https: ConnectPay calls and
 * redirects only to https, and a plain-http notification URL would carry payment statuses in clear.
 * `local` allows http so the sandbox can call a receiver on localhost.
 */
export function insecureCallbackUrls(input: InitiatePaymentRequest, environment: Environment): ErrorDetail[] {
  if (environment === 'local') return [];
  return CALLBACK_FIELDS.flatMap((field) => {
    const value = input.merchant[field];
    if (value === undefined || new URL(value).protocol === 'https:') return [];
    return [
      { path: `merchant.${field}`, message: `must be an https URL in ${environment}: ConnectPay uses https only.` },
    ];
  });
}
