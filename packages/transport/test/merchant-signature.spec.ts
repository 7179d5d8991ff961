import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { merchantSigningString, signMerchantRequest, verifyMerchantSignature } from '@connectpay-kit/transport';

// The reference example of connectpay-api-notes.md: POST to the stage merchant payments URL.
const REQUEST = {
  method: 'POST',
  url: 'https://API2-Stage.ConnectPay.com/merchant/payments?Lang=EN',
  body: '{\n  "payment": { "instructedAmount": { "amount": "1.23", "currency": "EUR" } },\r\n\t"merchant": {"brandId": "b 1"}\n}',
};

describe('merchant X-Signature', () => {
  const dir = mkdtempSync(join(tmpdir(), 'merchant-sig-'));
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = join(dir, 'merchant.key');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('signs method lower case + URL without scheme lower case + body without white space', () => {
    expect(merchantSigningString(REQUEST)).toBe(
      'postapi2-stage.connectpay.com/merchant/payments?lang=en' +
        '{"payment":{"instructedAmount":{"amount":"1.23","currency":"EUR"}},"merchant":{"brandId":"b1"}}',
    );
  });

  it('keeps the unpublished choices in options: separator and query string', () => {
    expect(
      merchantSigningString({ method: 'GET', url: 'https://h/a?b=1' }, { separator: '\n', includeQuery: false }),
    ).toBe('get\nh/a\n');
  });

  // Known answers for every combination a deployment can configure (CONNECTPAY_<ENV>_MERCHANT_SIGNATURE_*),
  // written out by hand so a change to how the string is built cannot pass unnoticed.
  const BODY = '{"payment":{"instructedAmount":{"amount":"1.23","currency":"EUR"}},"merchant":{"brandId":"b1"}}';
  it.each([
    ['', true, `postapi2-stage.connectpay.com/merchant/payments?lang=en${BODY}`],
    ['', false, `postapi2-stage.connectpay.com/merchant/payments${BODY}`],
    ['|', true, `post|api2-stage.connectpay.com/merchant/payments?lang=en|${BODY}`],
    ['|', false, `post|api2-stage.connectpay.com/merchant/payments|${BODY}`],
    ['\n', true, `post\napi2-stage.connectpay.com/merchant/payments?lang=en\n${BODY}`],
    ['\n', false, `post\napi2-stage.connectpay.com/merchant/payments\n${BODY}`],
    [' ', true, `post api2-stage.connectpay.com/merchant/payments?lang=en ${BODY}`],
  ])('signing string vector: separator %j, includeQuery %s', (separator, includeQuery, expected) => {
    expect(merchantSigningString(REQUEST, { separator, includeQuery })).toBe(expected);
  });

  it('matches `openssl dgst -sha256 -sign` over the same string (PKCS#1 v1.5 test vector)', () => {
    const input = join(dir, 'to-sign.txt');
    writeFileSync(input, merchantSigningString(REQUEST));
    const openssl = execFileSync('openssl', ['dgst', '-sha256', '-sign', keyFile, input]).toString('base64');
    const ours = signMerchantRequest(REQUEST, privateKey);
    expect(ours).toBe(openssl);
    expect(ours).toHaveLength(344); // base64 of a 2048-bit signature, as the provider's docs say
  });

  it('signs the configured string, not the default one: openssl over the "|", no-query vector', () => {
    const input = join(dir, 'to-sign-pipe.txt');
    writeFileSync(input, `post|api2-stage.connectpay.com/merchant/payments|${BODY}`);
    const openssl = execFileSync('openssl', ['dgst', '-sha256', '-sign', keyFile, input]).toString('base64');
    const options = { separator: '|', includeQuery: false };
    expect(signMerchantRequest(REQUEST, privateKey, options)).toBe(openssl);
    expect(signMerchantRequest(REQUEST, privateKey)).not.toBe(openssl);
    expect(verifyMerchantSignature(REQUEST, openssl, publicKey, options)).toBe(true);
    expect(verifyMerchantSignature(REQUEST, openssl, publicKey)).toBe(false);
  });

  it('verifies with the public key and rejects a changed body, URL or method', () => {
    const signature = signMerchantRequest(REQUEST, privateKey);
    expect(verifyMerchantSignature(REQUEST, signature, publicKey)).toBe(true);
    expect(
      verifyMerchantSignature({ ...REQUEST, body: REQUEST.body.replace('1.23', '1.24') }, signature, publicKey),
    ).toBe(false);
    expect(
      verifyMerchantSignature({ ...REQUEST, url: REQUEST.url.replace('payments', 'payment') }, signature, publicKey),
    ).toBe(false);
    expect(verifyMerchantSignature({ ...REQUEST, method: 'PUT' }, signature, publicKey)).toBe(false);
    expect(verifyMerchantSignature(REQUEST, 'not base64 at all', publicKey)).toBe(false);
  });

  it('ignores white space changes in the body, as the provider does', () => {
    const signature = signMerchantRequest(REQUEST, privateKey);
    expect(verifyMerchantSignature({ ...REQUEST, body: REQUEST.body.replace(/\s+/g, '') }, signature, publicKey)).toBe(
      true,
    );
  });

  it('supports PSS padding when configured, which openssl verifies', () => {
    const signature = signMerchantRequest(REQUEST, privateKey, { padding: 'pss' });
    expect(verifyMerchantSignature(REQUEST, signature, publicKey, { padding: 'pss' })).toBe(true);
    expect(verifyMerchantSignature(REQUEST, signature, publicKey)).toBe(false);
    const pub = join(dir, 'merchant.pub');
    const sig = join(dir, 'sig.bin');
    const input = join(dir, 'pss.txt');
    writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(sig, Buffer.from(signature, 'base64'));
    writeFileSync(input, merchantSigningString(REQUEST));
    const out = execFileSync('openssl', [
      'dgst',
      '-sha256',
      '-verify',
      pub,
      '-sigopt',
      'rsa_padding_mode:pss',
      '-sigopt',
      'rsa_pss_saltlen:digest',
      '-signature',
      sig,
      input,
    ]).toString();
    expect(out.trim()).toBe('Verified OK');
  });
});
