import { revealSecret } from '../secret.js';
import type { BasicCredentials } from './basic.js';
import type { AuthStrategy, OutgoingRequest } from './strategy.js';

/** The header BaaS with ConnectPay SCA reads the partner's credentials from. */
export const BAAS_SCA_API_KEY_HEADER = 'x-connectpay-api-key';

export interface BaasScaPartnerOptions {
  /**
   * The authentication page shows the value both as `Basic <base64>` and as `<base64>` alone; the
   * text says "base64 encoded" credentials, so the bare form is the default.
   */
  readonly basicPrefix?: boolean;
}

/** `x-connectpay-api-key: base64(ClientKey:ClientSecret)`, for BaaS-SCA partner paths (scheme `baas-sca-partner`). */
export function baasScaPartnerStrategy(
  credentials: BasicCredentials,
  options: BaasScaPartnerOptions = {},
): AuthStrategy {
  // Encoded on first use: a strategy's credentials never change (a reload builds a new client).
  let value: string | undefined;
  return {
    name: 'api-key',
    apply(request: OutgoingRequest) {
      value ??=
        (options.basicPrefix ? 'Basic ' : '') +
        Buffer.from(`${credentials.clientId}:${revealSecret(credentials.clientSecret)}`, 'utf8').toString('base64');
      request.headers[BAAS_SCA_API_KEY_HEADER] = value;
    },
  };
}
