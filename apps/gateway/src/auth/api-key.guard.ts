import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { UnauthenticatedError } from '../errors/gateway-error.js';
import type { GatewayRequest } from '../http/request-context.js';
import { GatewayRuntime } from '../runtime/gateway-runtime.js';
import { PUBLIC_ROUTE } from './public.decorator.js';

/** Internal callers authenticate with `x-api-key`; every route needs it unless marked @Public(). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const header = context.switchToHttp().getRequest<GatewayRequest>().headers['x-api-key'];
    if (header === undefined || header === '') {
      throw new UnauthenticatedError('Send the gateway API key in the x-api-key header.');
    }
    if (typeof header !== 'string' || !this.runtime.apiKeys.accepts(header)) {
      throw new UnauthenticatedError('The x-api-key header does not hold a key this gateway accepts.');
    }
    return true;
  }
}
