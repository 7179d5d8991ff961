import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import {
  ClientCertificateRefusedError,
  CredentialsMissingError,
  NewAuthCodeRequiredError,
  ProviderHttpError,
  TransportError,
  TransportMisuseError,
  TransportTimeoutError,
} from '@connectpay-kit/transport';
import { ValidationFailedError } from '../src/errors/gateway-error.js';
import { mapError } from '../src/errors/map-error.js';

const ID = 'req-1';

describe('error mapping: transport failures to HTTP', () => {
  it.each([
    [new ProviderHttpError(422, { error: 'invalid_amount' }, {}), 422, 'PROVIDER_ERROR'],
    [new ProviderHttpError(401, { error: 'invalid_client' }, {}), 401, 'PROVIDER_REJECTED_CREDENTIALS'],
    [new ProviderHttpError(503, 'maintenance', {}), 502, 'PROVIDER_ERROR'],
    [new ClientCertificateRefusedError('refused', 'expired', {}), 502, 'TRANSPORT_CLIENT_CERT_REFUSED'],
    [new TransportError('TRANSPORT_SERVER_CERT_UNTRUSTED', 'untrusted', {}), 502, 'TRANSPORT_SERVER_CERT_UNTRUSTED'],
    [new TransportError('TRANSPORT_CONNECTION_REFUSED', 'refused', {}), 502, 'TRANSPORT_CONNECTION_REFUSED'],
    [new TransportTimeoutError('headers', {}), 504, 'GATEWAY_UPSTREAM_TIMEOUT'],
    [new CredentialsMissingError('set CONNECTPAY_STAGE_MERCHANT_KEY_FILE'), 503, 'TRANSPORT_CREDENTIALS_MISSING'],
    [new NewAuthCodeRequiredError('a person must issue a new auth code'), 409, 'TRANSPORT_NEW_AUTH_CODE_REQUIRED'],
    [new TransportMisuseError('bad param', {}), 400, 'TRANSPORT_MISUSE'],
  ])('%s -> %i %s', (error, status, code) => {
    const mapped = mapError(error, ID);
    expect(mapped.status).toBe(status);
    expect(mapped.body.error.code).toBe(code);
    expect(mapped.body.error.requestId).toBe(ID);
  });

  it("passes the provider's body through under `provider`", () => {
    const mapped = mapError(new ProviderHttpError(422, { error: 'invalid_amount', field: 'amount' }, {}), ID);
    expect(mapped.body.error.provider).toEqual({ status: 422, body: { error: 'invalid_amount', field: 'amount' } });
  });

  it('names the probable cause of a refused client certificate and of a socket failure', () => {
    expect(mapError(new ClientCertificateRefusedError('refused', 'untrusted', {}), ID).body.error.cause).toBe(
      'untrusted',
    );
    const reset = new TransportError(
      'TRANSPORT_CONNECTION_RESET',
      'reset',
      {},
      { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) },
    );
    expect(mapError(reset, ID).body.error.cause).toBe('ECONNRESET');
  });
});

describe('error mapping: gateway and framework errors', () => {
  it('keeps validation details', () => {
    const mapped = mapError(new ValidationFailedError('invalid', [{ path: 'payment', message: 'is required.' }]), ID);
    expect(mapped).toMatchObject({
      status: 400,
      body: { error: { code: 'GATEWAY_VALIDATION_FAILED', details: [{ path: 'payment' }] } },
    });
  });

  it('names unknown routes, unparsable JSON and oversized bodies', () => {
    expect(mapError(new NotFoundException('Cannot GET /x'), ID).body.error.code).toBe('GATEWAY_ROUTE_NOT_FOUND');
    const json = Object.assign(new Error('Body is not valid JSON'), {
      code: 'FST_ERR_CTP_INVALID_JSON_BODY',
      statusCode: 400,
    });
    expect(mapError(new BadRequestException(json.message, { cause: json }), ID).body.error.code).toBe(
      'GATEWAY_INVALID_JSON',
    );
    expect(mapError(new PayloadTooLargeException(), ID)).toMatchObject({
      status: 413,
      body: { error: { code: 'GATEWAY_PAYLOAD_TOO_LARGE' } },
    });
  });

  it('names the body and URL errors Fastify raises before a handler runs', () => {
    const fastify = (code: string, statusCode: number) => Object.assign(new Error(code), { code, statusCode });
    expect(mapError(fastify('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415), ID)).toMatchObject({
      status: 415,
      body: { error: { code: 'GATEWAY_UNSUPPORTED_MEDIA_TYPE' } },
    });
    expect(mapError(fastify('FST_ERR_CTP_BODY_TOO_LARGE', 413), ID)).toMatchObject({
      status: 413,
      body: { error: { code: 'GATEWAY_PAYLOAD_TOO_LARGE' } },
    });
    expect(mapError(fastify('FST_ERR_CTP_INVALID_JSON_BODY', 400), ID)).toMatchObject({
      status: 400,
      body: { error: { code: 'GATEWAY_INVALID_JSON' } },
    });
    expect(mapError(fastify('FST_ERR_SOMETHING_NEW', 400), ID)).toMatchObject({
      status: 400,
      body: { error: { code: 'GATEWAY_HTTP_400' } },
    });
    // A SyntaxError of our own code is a bug, not the caller's JSON.
    expect(mapError(Object.assign(new SyntaxError('bug'), { statusCode: 400 }), ID).status).toBe(500);
  });

  it('hides the details of an unexpected error behind the request id', () => {
    const mapped = mapError(new Error('secret internal path /etc/x'), ID);
    expect(mapped.status).toBe(500);
    expect(mapped.body.error.code).toBe('GATEWAY_INTERNAL');
    expect(JSON.stringify(mapped.body)).not.toContain('/etc/x');
  });
});
