import { Controller, Get, Req, Res } from '@nestjs/common';
import { type GatewayReply, type GatewayRequest, requestIdOf } from '../http/request-context.js';
import { UpstreamService } from '../upstream/upstream.service.js';

/** Person data over mTLS with the stored OAuth access token (refreshed and rotated by transport). */
@Controller('v1/accounts')
export class AccountsController {
  constructor(private readonly upstream: UpstreamService) {}

  @Get()
  async list(@Req() request: GatewayRequest, @Res({ passthrough: true }) response: GatewayReply): Promise<unknown> {
    const accounts = await this.upstream.call('accounts.list', requestIdOf(request));
    response.status(accounts.status);
    return accounts.body;
  }
}
