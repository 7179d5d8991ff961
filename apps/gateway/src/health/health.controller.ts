import { Controller, Get, Res } from '@nestjs/common';
import { Public } from '../auth/public.decorator.js';
import { type Readiness, ReadinessService } from './readiness.service.js';
import type { GatewayReply } from '../http/request-context.js';

@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  /** The process serves HTTP: restart it only when this fails. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** 200 when the gateway can serve calls, 503 with the failing checks otherwise. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) response: GatewayReply): Promise<Readiness> {
    const readiness = await this.readiness.check();
    response.status(readiness.status === 'ready' ? 200 : 503);
    return readiness;
  }
}
