import type { ServiceDescriptor } from '@connectpay-kit/service-kit';

/** How the shared startup code names the gateway in its messages and logs. */
export const GATEWAY_SERVICE: ServiceDescriptor = {
  name: 'gateway',
  displayName: 'The gateway',
  readme: 'apps/gateway/README.md',
  portVariable: 'GATEWAY_PORT',
  hostVariable: 'GATEWAY_HOST',
  storageVariable: 'GATEWAY_STORAGE',
};
