import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import type { TokenStatus } from '@connectpay-kit/transport';
import { CALL_ERRORS } from '../docs/error-responses.js';
import { ApiRoute, type NamedSchema } from '../docs/route-description.js';
import { type GatewayRequest, requestIdOf } from '../http/request-context.js';
import { parseRequest } from '../http/validation.js';
import { UpstreamService } from '../upstream/upstream.service.js';
import { ExchangeCodeBodySchema, TokenStatusSchema } from './oauth.schemas.js';

const TOKEN_STATUS: NamedSchema = { name: 'TokenStatus', schema: TokenStatusSchema };

/** OAuth for Person-data APIs. Token values never leave the gateway: only their state does. */
@Controller('v1/oauth')
export class OAuthController {
  constructor(private readonly upstream: UpstreamService) {}

  @Post('token')
  @HttpCode(200)
  @ApiRoute({
    summary:
      'Exchange an auth code for the OAuth token pair; the tokens are stored encrypted, only their state is returned.',
    body: { name: 'ExchangeCodeRequest', schema: ExchangeCodeBodySchema },
    responses: { '200': { description: 'The stored token state.', body: TOKEN_STATUS }, ...CALL_ERRORS },
  })
  async exchange(@Body() body: unknown, @Req() request: GatewayRequest): Promise<TokenStatus> {
    const { code, redirectUri } = parseRequest(ExchangeCodeBodySchema, body, 'body');
    return this.upstream.oauth('oauth.token', requestIdOf(request), (manager) =>
      manager.exchangeCode(code, redirectUri),
    );
  }

  @Get('status')
  @ApiRoute({
    summary: 'State and expiry of the stored OAuth tokens (never their values).',
    responses: { '200': { description: 'The stored token state.', body: TOKEN_STATUS }, ...CALL_ERRORS },
  })
  async status(@Req() request: GatewayRequest): Promise<TokenStatus> {
    return this.upstream.oauth('oauth.status', requestIdOf(request), (manager) => manager.status());
  }
}
