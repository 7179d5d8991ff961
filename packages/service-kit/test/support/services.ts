import type { ServiceDescriptor } from '../../src/index.js';

// The two services the kit was written for, so the tests pin the exact sentences their users see.
export const GATEWAY: ServiceDescriptor = {
  name: 'gateway',
  displayName: 'The gateway',
  readme: 'apps/gateway/README.md',
  portVariable: 'GATEWAY_PORT',
  hostVariable: 'GATEWAY_HOST',
  storageVariable: 'GATEWAY_STORAGE',
};

export const WEBHOOK: ServiceDescriptor = {
  name: 'webhook',
  displayName: 'The webhook receiver',
  readme: 'apps/webhook/README.md',
  portVariable: 'WEBHOOK_PORT',
  hostVariable: 'WEBHOOK_HOST',
  storageVariable: 'WEBHOOK_STORAGE',
};
