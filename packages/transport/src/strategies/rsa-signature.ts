import { createPrivateKey, type KeyObject } from 'node:crypto';
import { revealSecret, type SecretInput } from '../secret.js';
import { type BasicCredentials, basicAuthorization } from './basic.js';
import { type MerchantSignatureOptions, signMerchantRequest } from './merchant-signature.js';
import type { AuthStrategy, OutgoingRequest } from './strategy.js';

export interface MerchantCredentials {
  readonly privateKeyPem: SecretInput;
  readonly signature?: MerchantSignatureOptions;
}

/** Merchant API v2: Basic plus `X-Signature` over the exact method, URL and body being sent. */
export function rsaSignatureStrategy(basic: BasicCredentials, merchant: MerchantCredentials): AuthStrategy {
  // Parse once: a KeyObject keeps the PEM text out of every later stack frame.
  const key: KeyObject = createPrivateKey(revealSecret(merchant.privateKeyPem));
  return {
    name: 'rsa-signature',
    apply(request: OutgoingRequest) {
      request.headers['authorization'] = basicAuthorization(basic);
      request.headers['x-signature'] = signMerchantRequest(
        { method: request.method, url: request.url, body: request.body },
        key,
        merchant.signature,
      );
    },
  };
}
