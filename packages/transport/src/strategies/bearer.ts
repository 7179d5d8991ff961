import type { AuthStrategy, OutgoingRequest } from './strategy.js';

/** OAuth access token for Person-data APIs; the token source refreshes and rotates as needed. */
export function bearerStrategy(accessToken: () => Promise<string>): AuthStrategy {
  return {
    name: 'bearer',
    async apply(request: OutgoingRequest) {
      request.headers['authorization'] = `Bearer ${await accessToken()}`;
    },
  };
}
