import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  NewAuthCodeRequiredError,
  ProviderHttpError,
  TokenStoreError,
  TransportError,
  TransportMisuseError,
} from '@connectpay-kit/transport';
import { ConnectPayConfigService } from '@connectpay-kit/config/nest';
import { messagePage } from '@connectpay-kit/service-kit/http';
import { WebhookRuntime } from '../runtime/webhook-runtime.js';
import { AUTH_STATE_TTL_MS, authorizeUrl, newStateAndNonce, PSD2_SCOPES, type Psd2Scope } from './authorize-url.js';

export const CALLBACK_PATH = '/auth/callback';

interface StoredAuthData {
  readonly scope: string;
  readonly redirectUrl: string;
}

/**
 * The PSD2 auth-code redirect: /auth/start sends the browser to ConnectPay with a server-side
 * `state`, and /auth/callback takes the code back, checks the state (single use, 10 minutes) and
 * exchanges the code through the token manager, which stores the pair where the gateway reads it.
 * Pages are plain HTML for a person: no token value, no code, no stack trace.
 */
@Controller('auth')
export class AuthController {
  constructor(
    private readonly runtime: WebhookRuntime,
    private readonly connectpay: ConnectPayConfigService,
  ) {}

  @Get('start')
  async start(@Query('scope') scopeParam: unknown, @Res() response: FastifyReply): Promise<void> {
    const { client, publicUrl, storage, logger } = this.runtime;
    const { config } = this.connectpay;
    const scope = scopeParam === undefined || scopeParam === '' ? 'psd2-ais' : scopeParam;
    if (!isScope(scope)) {
      return page(response, 400, 'Unknown scope', [`Use ?scope=psd2-ais (accounts) or ?scope=psd2-pis (payments).`]);
    }
    if (client.oauth === undefined || config.basic === undefined || publicUrl === undefined) {
      const missing = [
        client.oauth === undefined ? 'CONNECTPAY_TOKEN_KEY_FILE' : undefined,
        config.basic === undefined ? `CONNECTPAY_${config.environment.toUpperCase()}_CLIENT_ID` : undefined,
        publicUrl === undefined ? 'WEBHOOK_PUBLIC_URL' : undefined,
      ].filter((name) => name !== undefined);
      return page(response, 503, 'Sign-in is not configured', [
        `This receiver cannot start a ConnectPay sign-in: set ${missing.join(', ')} and restart it.`,
      ]);
    }
    const redirectUrl = `${publicUrl}${CALLBACK_PATH}`;
    const { state, nonce } = newStateAndNonce();
    let location: string;
    try {
      // Built before the state is stored: a redirect URL ConnectPay would refuse stops here.
      location = authorizeUrl({
        environment: config.environment,
        baseUrls: config.baseUrls,
        clientId: config.basic.clientId,
        scope,
        redirectUrl,
        state,
        nonce,
      });
    } catch (error) {
      if (!(error instanceof TransportMisuseError)) throw error;
      logger.error({ code: error.code, err: error.message }, 'auth redirect refused: the authorize URL is invalid');
      return page(response, 503, 'Sign-in is misconfigured', [
        `This receiver cannot start a ConnectPay sign-in: ${error.message}`,
        'Fix WEBHOOK_PUBLIC_URL (or the DevApp client id) and restart it.',
      ]);
    }
    const now = new Date();
    await storage.main.authStates.create(state, {
      nonce,
      data: { scope, redirectUrl } satisfies StoredAuthData,
      createdAt: now,
      expiresAt: new Date(now.getTime() + AUTH_STATE_TTL_MS),
    });
    logger.info({ scope }, 'auth redirect started');
    response.code(302).headers({ location, 'cache-control': 'no-store' }).send();
  }

  @Get('callback')
  async callback(@Query() query: Record<string, unknown>, @Res() response: FastifyReply): Promise<void> {
    const { client, storage, logger } = this.runtime;
    const state = typeof query['state'] === 'string' ? query['state'] : '';
    const startAgain = 'Start again from /auth/start.';
    if (state === '' || state.length > 200) {
      return page(response, 400, 'Sign-in link incomplete', ['The callback carries no valid state.', startAgain]);
    }
    const stored = await storage.main.authStates.consume(state);
    if (stored === undefined) {
      logger.warn('auth callback with an unknown, used or expired state');
      return page(response, 400, 'Sign-in link expired or already used', [
        'This sign-in was started more than 10 minutes ago, was already completed, or was not started here.',
        startAgain,
      ]);
    }
    const providerError = typeof query['error'] === 'string' ? query['error'].slice(0, 100) : undefined;
    if (providerError !== undefined) {
      logger.warn({ providerError }, 'ConnectPay returned an error instead of an auth code');
      return page(response, 400, 'ConnectPay did not grant access', [
        `ConnectPay answered: ${providerError}.`,
        startAgain,
      ]);
    }
    const code = typeof query['code'] === 'string' ? query['code'] : '';
    const data = stored.data as Partial<StoredAuthData> | undefined;
    if (code === '' || code.length > 2048 || typeof data?.redirectUrl !== 'string' || client.oauth === undefined) {
      return page(response, 400, 'Sign-in link incomplete', [
        'The callback carries no authorization code.',
        startAgain,
      ]);
    }

    try {
      const status = await client.oauth.exchangeCode(code, data.redirectUrl);
      logger.info({ scope: status.scope ?? data.scope }, 'auth code exchanged; tokens stored');
      return page(response, 200, 'ConnectPay access granted', [
        `Scope: ${status.scope ?? data.scope ?? 'unknown'}.`,
        `The access token is valid until ${status.accessTokenExpiresAt ?? 'unknown'}; it is refreshed automatically until ${status.refreshTokenExpiresAt ?? 'unknown'}.`,
        'You can close this window.',
      ]);
    } catch (error) {
      const code = error instanceof TransportError ? error.code : 'UNEXPECTED';
      logger.error({ code, err: error instanceof Error ? error.message : String(error) }, 'auth code exchange failed');
      if (error instanceof NewAuthCodeRequiredError || (error instanceof ProviderHttpError && error.status < 500)) {
        return page(response, 400, 'ConnectPay refused the code', [
          'The authorization code was refused (expired, already used, or issued for another redirect URL).',
          startAgain,
        ]);
      }
      if (error instanceof TokenStoreError) {
        return page(response, 503, 'Tokens could not be stored', [
          'ConnectPay issued the tokens but they could not be saved; nothing was kept.',
          startAgain,
        ]);
      }
      return page(response, 502, 'ConnectPay could not be reached', [
        `The code could not be exchanged (${code}).`,
        startAgain,
      ]);
    }
  }
}

function isScope(value: unknown): value is Psd2Scope {
  return typeof value === 'string' && (PSD2_SCOPES as readonly string[]).includes(value);
}

function page(response: FastifyReply, status: number, title: string, paragraphs: readonly string[]): void {
  response
    .code(status)
    .headers({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The page shows nothing to frame or script; keep it that way.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'x-frame-options': 'DENY',
    })
    .send(messagePage(title, paragraphs));
}
