import { constants, createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';

/**
 * Merchant API v2 `X-Signature` (connectpay-api-notes.md): RSA over SHA-256 of a string built from
 * the method in lower case, the URL without scheme in lower case, and the body with all white space
 * removed. The provider does not publish the separator between the parts, whether the query string
 * is part of the URL, or the padding; they are the options below, all in this one place, and the
 * defaults are pinned by a test vector made with `openssl dgst -sha256 -sign`.
 */
export interface MerchantSignatureOptions {
  /** Between method, URL and body. Default '' (plain concatenation). */
  readonly separator?: string;
  /** Sign the query string as part of the URL. Default true. */
  readonly includeQuery?: boolean;
  /** RSA padding. Default 'pkcs1' (RSASSA-PKCS1-v1_5, deterministic). */
  readonly padding?: 'pkcs1' | 'pss';
}

export const DEFAULT_MERCHANT_SIGNATURE: Required<MerchantSignatureOptions> = {
  separator: '',
  includeQuery: true,
  padding: 'pkcs1',
};

export interface SignableRequest {
  readonly method: string;
  readonly url: string;
  readonly body?: string;
}

export function merchantSigningString(request: SignableRequest, options: MerchantSignatureOptions = {}): string {
  const settings = { ...DEFAULT_MERCHANT_SIGNATURE, ...options };
  const url = new URL(request.url);
  const withoutScheme = `${url.host}${url.pathname}${settings.includeQuery ? url.search : ''}`.toLowerCase();
  const body = (request.body ?? '').replace(/\s+/g, '');
  return [request.method.toLowerCase(), withoutScheme, body].join(settings.separator);
}

export function signMerchantRequest(
  request: SignableRequest,
  privateKey: KeyObject | string,
  options: MerchantSignatureOptions = {},
): string {
  const signer = createSign('sha256');
  signer.update(merchantSigningString(request, options), 'utf8');
  return signer.sign(
    keyWithPadding(typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey, options),
    'base64',
  );
}

/** The provider's side of the check; used by apps/sandbox and by tests. */
export function verifyMerchantSignature(
  request: SignableRequest,
  signature: string,
  publicKey: KeyObject | string,
  options: MerchantSignatureOptions = {},
): boolean {
  const verifier = createVerify('sha256');
  verifier.update(merchantSigningString(request, options), 'utf8');
  try {
    return verifier.verify(
      keyWithPadding(typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey, options),
      signature,
      'base64',
    );
  } catch {
    return false;
  }
}

function keyWithPadding(key: KeyObject, options: MerchantSignatureOptions) {
  const padding =
    (options.padding ?? DEFAULT_MERCHANT_SIGNATURE.padding) === 'pss'
      ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
      : { padding: constants.RSA_PKCS1_PADDING };
  return { key, ...padding };
}
