import type { ApiName } from '@connectpay-kit/hosts';

/**
 * Catalog APIs with a typed endpoint. The generic route refuses them: the typed endpoint validates
 * the body, and `oauth.token` in particular must go through the token manager, or a refresh would
 * rotate the stored refresh token away behind its back.
 */
export const TYPED_ENDPOINTS: Partial<Readonly<Record<ApiName, string>>> = {
  'merchant.payments.create': 'POST /v1/merchant/payments',
  'merchant.payments.get': 'GET /v1/merchant/payments/{paymentId}',
  'oauth.token': 'POST /v1/oauth/token',
  'accounts.list': 'GET /v1/accounts',
};
