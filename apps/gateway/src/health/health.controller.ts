import { Controller, Get, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { Public } from '../auth/public.decorator.js';
import { type Readiness, ReadinessService } from './readiness.service.js';

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
  async ready(@Res({ passthrough: true }) response: ServerResponse): Promise<Readiness> {
    const readiness = await this.readiness.check();
    response.statusCode = readiness.status === 'ready' ? 200 : 503;
    return readiness;
  }
}
