import { Injectable } from '@nestjs/common';
import { API_CATALOG, type ApiDefinition, type ApiName } from '@connectpay-kit/hosts';
import {
  ClientCertificateRefusedError,
  CredentialsMissingError,
  OAuthTokenManager,
  ProviderHttpError,
  TransportError,
  type CallInput,
  type ProviderResponse,
} from '@connectpay-kit/transport';
import { mapError } from '../errors/map-error.js';
import { GatewayRuntime } from '../runtime/gateway-runtime.js';

/**
 * The gateway's one door to ConnectPay: every call names a catalog API (never a URL), carries the
 * caller's request id, and every failure is remembered for the status page.
 */
@Injectable()
export class UpstreamService {
  constructor(private readonly runtime: GatewayRuntime) {}

  async call<T = unknown>(
    api: ApiName,
    requestId: string,
    input: Omit<CallInput, 'requestId'> = {},
  ): Promise<ProviderResponse<T>> {
    try {
      const definition: ApiDefinition = API_CATALOG[api];
      if (definition.scheme === 'mtls+bearer' && !this.runtime.client.oauth) throw oauthNotConfigured(requestId);
      return await this.runtime.client.call<T>(api, { ...input, requestId });
    } catch (error) {
      this.remember(api, requestId, error);
      throw error;
    }
  }

  /** Runs a token-manager operation; 503 with the variable to set when OAuth is not configured. */
  async oauth<T>(operation: string, requestId: string, run: (manager: OAuthTokenManager) => Promise<T>): Promise<T> {
    const manager = this.runtime.client.oauth;
    try {
      if (!manager) throw oauthNotConfigured(requestId);
      return await run(manager);
    } catch (error) {
      this.remember(operation, requestId, error);
      throw error;
    }
  }

  private remember(api: string, requestId: string, error: unknown): void {
    if (!(error instanceof TransportError)) return;
    const mapped = mapError(error, requestId);
    this.runtime.recentErrors.record({
      at: new Date().toISOString(),
      api,
      code: mapped.body.error.code,
      status: error instanceof ProviderHttpError ? error.status : undefined,
      cause:
        mapped.body.error.cause ?? (error instanceof ClientCertificateRefusedError ? error.probableCause : undefined),
      message: mapped.body.error.message,
      requestId,
    });
  }
}

function oauthNotConfigured(requestId: string): CredentialsMissingError {
  return new CredentialsMissingError(
    'OAuth is not configured on this gateway: set CONNECTPAY_TOKEN_KEY_FILE to a 32-byte key file (`openssl rand -base64 32`) so tokens can be stored encrypted.',
    { requestId },
  );
}
