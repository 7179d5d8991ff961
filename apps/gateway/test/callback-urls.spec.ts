import { insecureCallbackUrls } from '../src/merchant/callback-urls.js';
import { InitiatePaymentRequestSchema } from '../src/merchant/payment.schemas.js';

const body = (merchant: Record<string, string>) =>
  InitiatePaymentRequestSchema.parse({
    merchant: { brandId: 'brand-1', ...merchant },
    payment: {
      paymentMethod: ['PIS'],
      providerCountryCode: 'LT',
      instructedAmount: { amount: '1.00', currency: 'EUR' },
    },
    identifiers: { merchantReference: 'order-1' },
  });

describe('payment callback URLs', () => {
  const http = { redirectUrl: 'http://shop.example/back', notificationUrl: 'http://shop.example/notify' };

  it.each(['stage', 'prod'] as const)('must be https in %s, each field named', (environment) => {
    expect(insecureCallbackUrls(body(http), environment)).toEqual([
      { path: 'merchant.redirectUrl', message: `must be an https URL in ${environment}: ConnectPay uses https only.` },
      {
        path: 'merchant.notificationUrl',
        message: `must be an https URL in ${environment}: ConnectPay uses https only.`,
      },
    ]);
    expect(
      insecureCallbackUrls(
        body({ redirectUrl: 'https://shop.example/back', notificationUrl: 'https://shop.example/notify' }),
        environment,
      ),
    ).toEqual([]);
  });

  it('may be http in local, where the sandbox calls a receiver on localhost', () => {
    expect(insecureCallbackUrls(body(http), 'local')).toEqual([]);
  });
});
