import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { GatewayRequest } from '../http/request-context.js';
import { GatewayRuntime } from '../runtime/gateway-runtime.js';
import { authenticateCaller } from './authenticate.js';
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
    authenticateCaller(context.switchToHttp().getRequest<GatewayRequest>().headers['x-api-key'], this.runtime.apiKeys);
    return true;
  }
}
