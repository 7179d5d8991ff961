import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { WebhookRequestError } from '../errors/webhook-error.js';
import { WebhookRuntime } from '../runtime/webhook-runtime.js';
import { AdminKeyGuard } from './admin-key.guard.js';
import { detail, type EventDetail, type EventSummary, summarize } from './admin-views.js';

const EVENT_ID = z.string().regex(/^[1-9][0-9]{0,18}$/, 'must be an inbox event id (a positive integer)');
const ListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  afterId: EVENT_ID.optional(),
});

/** Dead letters and replays, behind `x-admin-key`. */
@Controller('admin')
@UseGuards(AdminKeyGuard)
export class AdminController {
  constructor(private readonly runtime: WebhookRuntime) {}

  /** Oldest first; page with `?afterId=<next>`. */
  @Get('dead-letters')
  async deadLetters(@Query() query: unknown): Promise<{ deadLetters: EventSummary[]; next: string | null }> {
    const { limit, afterId } = parse(ListQuerySchema, query);
    const events = await this.runtime.storage.main.inbox.deadLetters({ limit, ...(afterId ? { afterId } : {}) });
    return {
      deadLetters: events.map(summarize),
      next: events.length === limit ? (events[events.length - 1]?.id ?? null) : null,
    };
  }

  /** Puts a dead letter back to pending, due now, attempts reset. */
  @Post('dead-letters/:id/replay')
  @HttpCode(200)
  async replayDeadLetter(@Param('id') id: string): Promise<EventSummary> {
    const event = await this.find(id);
    if (event.state !== 'dead') {
      throw new WebhookRequestError(
        409,
        'WEBHOOK_REPLAY_CONFLICT',
        `Event ${event.id} is ${event.state}, not a dead letter; POST /admin/events/${event.id}/replay runs a done event again.`,
      );
    }
    return this.replay(event.id);
  }

  @Get('events/:id')
  async event(@Param('id') id: string): Promise<EventDetail> {
    return detail(await this.find(id));
  }

  /** Runs a done (or dead) event again, e.g. after adding a handler for a type that had none. */
  @Post('events/:id/replay')
  @HttpCode(200)
  async replayEvent(@Param('id') id: string): Promise<EventSummary> {
    const event = await this.find(id);
    if (event.state !== 'dead' && event.state !== 'done') {
      throw new WebhookRequestError(
        409,
        'WEBHOOK_REPLAY_CONFLICT',
        `Event ${event.id} is ${event.state}: it will be processed anyway; replay only done or dead events.`,
      );
    }
    return this.replay(event.id);
  }

  private async find(id: string) {
    const eventId = parse(EVENT_ID, id);
    const event = await this.runtime.storage.main.inbox.get(eventId);
    if (!event) throw new WebhookRequestError(404, 'WEBHOOK_EVENT_NOT_FOUND', `There is no inbox event ${eventId}.`);
    return event;
  }

  private async replay(id: string): Promise<EventSummary> {
    const replayed = await this.runtime.storage.main.inbox.replay(id);
    this.runtime.logger.info({ inboxId: id, deliveryKey: replayed.deliveryKey }, 'event replayed by an admin');
    this.runtime.dispatcher.wake();
    return summarize(replayed);
  }
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || 'id',
    message: issue.message,
  }));
  const problems = details.map((detail) => `${detail.path}: ${detail.message}`).join('; ');
  throw new WebhookRequestError(400, 'WEBHOOK_VALIDATION_FAILED', `The request is invalid: ${problems}.`, details);
}
