import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { WebhookRequestError } from '../errors/webhook-error.js';
import type { FastifyRequest } from 'fastify';
import { WebhookRuntime } from '../runtime/webhook-runtime.js';

/** The admin API takes `x-admin-key` (WEBHOOK_ADMIN_KEYS_FILE; `local` also accepts local-dev-key). */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  constructor(private readonly runtime: WebhookRuntime) {}

  canActivate(context: ExecutionContext): boolean {
    const keys = this.runtime.adminKeys;
    if (keys === undefined) {
      throw new WebhookRequestError(
        503,
        'WEBHOOK_ADMIN_DISABLED',
        'The admin API is off: set WEBHOOK_ADMIN_KEYS_FILE to a file with one admin key per line and restart.',
      );
    }
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers['x-admin-key'];
    if (!keys.accepts(header)) {
      throw new WebhookRequestError(
        401,
        'WEBHOOK_ADMIN_UNAUTHENTICATED',
        'Send a key from WEBHOOK_ADMIN_KEYS_FILE in the x-admin-key header.',
      );
    }
    return true;
  }
}
