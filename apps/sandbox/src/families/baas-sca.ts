import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { constantTimeEqual, HttpProblem, parseJson, requireBearer, sendJson } from '../http.js';
import type { FamilyContext, SandboxFamily } from './types.js';

/**
 * BaaS with ConnectPay SCA (beta), on the one-way host only
 * (docs:/banking-as-a-service-witch-connectpays-sca-beta/api-authentication-requirements):
 *
 * - partner paths take `x-connectpay-api-key: base64(ClientKey:ClientSecret)`; the page shows the
 *   value with and without a `Basic ` prefix, so both are accepted;
 * - client paths take a user's own Bearer token (valid 5 minutes) and the user's IP. The sandbox
 *   has no user login yet, so it refuses them with `401 invalid_token`, naming what they need.
 */
export function baasScaFamily(context: FamilyContext): SandboxFamily {
  const { options } = context;
  const expected = Buffer.from(`${options.clientId}:${options.clientSecret}`, 'utf8').toString('base64');

  const requireApiKey = (request: IncomingMessage): void => {
    const header = request.headers['x-connectpay-api-key'];
    const value = typeof header === 'string' ? header.replace(/^Basic /, '') : '';
    if (value === '' || !constantTimeEqual(value, expected)) {
      throw new HttpProblem(
        401,
        'invalid_client',
        'x-connectpay-api-key must carry base64(ClientKey:ClientSecret) of the DevApp (BaaS-SCA partner paths).',
      );
    }
  };
  const refuseUserPath = (request: IncomingMessage): never => {
    requireBearer(request);
    throw new HttpProblem(
      401,
      'invalid_token',
      "The user token is unknown or expired: BaaS-SCA client paths take the user's own 5-minute token and IP.",
    );
  };

  return {
    name: 'baas-sca',
    handlers: {
      'baas-sca.users.create': (request, response, _match, body) => {
        requireApiKey(request);
        const input = parseJson(body || '{}') as { email?: unknown };
        if (typeof input?.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(input.email)) {
          throw new HttpProblem(400, 'validation_error', 'email: an e-mail address, which is the user name.');
        }
        const userId = randomUUID();
        sendJson(response, 201, {
          userId,
          eventId: randomUUID(),
          // Valid 1 hour on stage; the platform e-mails it to the user.
          emailValidationUrl: `${context.publicOnewayUrl()}/sandbox/baas-sca/validate-email/${userId}`,
        });
      },
      'baas-sca.users.logout': (request) => refuseUserPath(request),
      'baas-sca.sca.authorise': (request) => refuseUserPath(request),
    },
  };
}
