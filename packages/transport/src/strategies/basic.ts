import { revealSecret, type SecretInput } from '../secret.js';
import type { AuthStrategy, OutgoingRequest } from './strategy.js';

export interface BasicCredentials {
  readonly clientId: string;
  readonly clientSecret: SecretInput;
}

/** `Authorization: Basic base64(ClientId:ClientSecret)`, the DevApp credentials. */
export function basicAuthorization(credentials: BasicCredentials): string {
  return `Basic ${Buffer.from(`${credentials.clientId}:${revealSecret(credentials.clientSecret)}`, 'utf8').toString('base64')}`;
}

export function basicStrategy(credentials: BasicCredentials): AuthStrategy {
  // Encoded on first use, not per call: the credentials of a strategy never change (a reload builds
  // a new client), and the header is on the hot path of every Basic call.
  let authorization: string | undefined;
  return {
    name: 'basic',
    apply(request: OutgoingRequest) {
      authorization ??= basicAuthorization(credentials);
      request.headers['authorization'] = authorization;
    },
  };
}
