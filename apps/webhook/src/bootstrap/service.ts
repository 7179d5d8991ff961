import type { ServiceDescriptor } from '@connectpay-kit/service-kit';

/** How the shared startup code names the receiver in its messages and logs. */
export const WEBHOOK_SERVICE: ServiceDescriptor = {
  name: 'webhook',
  displayName: 'The webhook receiver',
  readme: 'apps/webhook/README.md',
  portVariable: 'WEBHOOK_PORT',
  hostVariable: 'WEBHOOK_HOST',
  storageVariable: 'WEBHOOK_STORAGE',
};
