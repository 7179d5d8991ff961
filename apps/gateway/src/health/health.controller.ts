import { Controller, Get, Res } from '@nestjs/common';
import { Public } from '../auth/public.decorator.js';
import { ApiRoute } from '../docs/route-description.js';
import { type Readiness, ReadinessService } from './readiness.service.js';
import type { GatewayReply } from '../http/request-context.js';

@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  /** The process serves HTTP: restart it only when this fails. */
  @Get('live')
  @ApiRoute({ summary: 'Liveness: the process serves HTTP.', responses: { '200': { description: 'Alive.' } } })
  live() {
    return { status: 'ok' };
  }

  /** 200 when the gateway can serve calls, 503 with the failing checks otherwise. */
  @Get('ready')
  @ApiRoute({
    summary:
      'Readiness: config, credentials, client certificate (provider rules, days to expiry), storage; upstream in local.',
    responses: { '200': { description: 'Ready.' }, '503': { description: 'Not ready; `failing` names the checks.' } },
  })
  async ready(@Res({ passthrough: true }) response: GatewayReply): Promise<Readiness> {
    const readiness = await this.readiness.check();
    response.status(readiness.status === 'ready' ? 200 : 503);
    return readiness;
  }
}
