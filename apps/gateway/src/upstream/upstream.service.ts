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
import { ProviderInvalidResponseError } from '../errors/gateway-error.js';
import { mapError } from '../errors/map-error.js';
import { GatewayRuntime } from '../runtime/gateway-runtime.js';
import { checkProviderAnswer } from './response-check.js';

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
      // The budget counts from the request's arrival, so time spent queued or reading the body is
      // not given twice; and the caller's hang-up aborts the call.
      const budgetMs = definition.timeoutMs ?? this.runtime.settings.upstreamTimeoutMs;
      const caller = this.runtime.callers.find(requestId);
      const timeoutMs = caller ? Math.max(1, Math.floor(budgetMs - (performance.now() - caller.startedAt))) : budgetMs;
      const response = await this.runtime.client.call<T>(api, {
        ...input,
        requestId,
        timeoutMs,
        ...(caller ? { cancellation: caller } : {}),
      });
      checkProviderAnswer(api, response);
      return response;
    } catch (error) {
      if (error instanceof TransportError && error.code === 'TRANSPORT_CANCELLED') {
        this.runtime.metrics.abandonedCalls.inc({ api });
      } else if (error instanceof ProviderInvalidResponseError) {
        this.runtime.metrics.invalidResponses.inc({ api });
        this.runtime.logger.error(
          { requestId, api, code: error.code, bodySha256: error.bodySha256 },
          'ConnectPay answered 2xx with a body that is not the API answer',
        );
        this.remember(api, requestId, error);
      } else this.remember(api, requestId, error);
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
    if (!(error instanceof TransportError) && !(error instanceof ProviderInvalidResponseError)) return;
    // The status page lists what is wrong between the gateway and ConnectPay; an unknown payment id or a
    // refused body is the caller's answer, not an upstream error.
    if (error instanceof ProviderHttpError && CALLER_STATUSES.has(error.status)) return;
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

/** Provider answers about the caller's request, not about the integration (401/403/429 and 5xx stay listed). */
const CALLER_STATUSES: ReadonlySet<number> = new Set([400, 404, 409, 410, 422]);

function oauthNotConfigured(requestId: string): CredentialsMissingError {
  return new CredentialsMissingError(
    'OAuth is not configured on this gateway: set CONNECTPAY_TOKEN_KEY_FILE to a 32-byte key file (`openssl rand -base64 32`) so tokens can be stored encrypted.',
    { requestId },
  );
}
