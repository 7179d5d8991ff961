import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import type { TokenStatus } from '@connectpay-kit/transport';
import { type GatewayRequest, requestIdOf } from '../http/request-context.js';
import { parseRequest } from '../http/validation.js';
import { UpstreamService } from '../upstream/upstream.service.js';
import { ExchangeCodeBodySchema } from './oauth.schemas.js';

/** OAuth for Person-data APIs. Token values never leave the gateway: only their state does. */
@Controller('v1/oauth')
export class OAuthController {
  constructor(private readonly upstream: UpstreamService) {}

  @Post('token')
  @HttpCode(200)
  async exchange(@Body() body: unknown, @Req() request: GatewayRequest): Promise<TokenStatus> {
    const { code, redirectUri } = parseRequest(ExchangeCodeBodySchema, body, 'body');
    return this.upstream.oauth('oauth.token', requestIdOf(request), (manager) =>
      manager.exchangeCode(code, redirectUri),
    );
  }

  @Get('status')
  async status(@Req() request: GatewayRequest): Promise<TokenStatus> {
    return this.upstream.oauth('oauth.status', requestIdOf(request), (manager) => manager.status());
  }
}
