import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'gateway:public-route';

/** Health, metrics, docs and the status page: reachable without an api key (they show no secret). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
