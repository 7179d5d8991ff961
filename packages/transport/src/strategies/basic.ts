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
  return {
    name: 'basic',
    apply(request: OutgoingRequest) {
      request.headers['authorization'] = basicAuthorization(credentials);
    },
  };
}
