import { DEFAULT_MERCHANT_SIGNATURE_SETTINGS } from '@connectpay-kit/config';
import { DEFAULT_MERCHANT_SIGNATURE } from '@connectpay-kit/transport';

// config cannot import transport, so it holds its own copy of the X-Signature defaults; the gateway
// depends on both and is where a drift between them would send a different signature than documented.
it('config and transport agree on the default X-Signature format', () => {
  expect({ ...DEFAULT_MERCHANT_SIGNATURE_SETTINGS }).toEqual({ ...DEFAULT_MERCHANT_SIGNATURE });
});
