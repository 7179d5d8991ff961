import { Controller, Get, Req, Res } from '@nestjs/common';
import { CALL_ERRORS, errorResponse } from '../docs/error-responses.js';
import { ApiRoute } from '../docs/route-description.js';
import { type GatewayReply, type GatewayRequest, requestIdOf } from '../http/request-context.js';
import { UpstreamService } from '../upstream/upstream.service.js';

/** Person data over mTLS with the stored OAuth access token (refreshed and rotated by transport). */
@Controller('v1/accounts')
export class AccountsController {
  constructor(private readonly upstream: UpstreamService) {}

  @Get()
  @ApiRoute({
    summary: "The consenting Person's accounts (mTLS + OAuth bearer; the token is refreshed and rotated as needed).",
    responses: {
      '200': { description: "ConnectPay's body." },
      '409': errorResponse(
        'No usable OAuth grant: a person must issue a new auth code (TRANSPORT_NEW_AUTH_CODE_REQUIRED).',
      ),
      ...CALL_ERRORS,
    },
  })
  async list(@Req() request: GatewayRequest, @Res({ passthrough: true }) response: GatewayReply): Promise<unknown> {
    const accounts = await this.upstream.call('accounts.list', requestIdOf(request));
    response.status(accounts.status);
    return accounts.body;
  }
}
