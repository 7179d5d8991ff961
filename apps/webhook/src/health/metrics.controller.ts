import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ConnectPayConfigService } from '@connectpay-kit/config/nest';
import { WebhookRuntime } from '../runtime/webhook-runtime.js';

const STATS_INTERVAL_MS = 1_000;

@Controller('metrics')
export class MetricsController {
  private lastStatsAt = 0;

  constructor(
    private readonly runtime: WebhookRuntime,
    private readonly connectpay: ConnectPayConfigService,
  ) {}

  /** Prometheus text format; the inbox gauges (backlog, dead letters) are read on every scrape. */
  @Get()
  @Header('cache-control', 'no-store')
  async metrics(@Res({ passthrough: true }) response: FastifyReply): Promise<string> {
    const { metrics, storage, logger } = this.runtime;
    metrics.observeCommits(storage.main.inbox.commitStats());
    try {
      // Counting states scans the inbox (PostgreSQL count(*)): at most once per interval, whatever
      // the number of scrapers.
      const now = Date.now();
      if (now - this.lastStatsAt >= STATS_INTERVAL_MS) {
        this.lastStatsAt = now;
        metrics.observeInbox(await storage.main.inbox.stats());
      }
    } catch (error) {
      // The counters still matter when storage is down; the gauges keep their last values.
      logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'inbox statistics unavailable for /metrics',
      );
    }
    metrics.nextCertificateReady.set(
      { environment: this.connectpay.environment },
      this.runtime.rotation.status().next.ready ? 1 : 0,
    );
    response.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  }
}
