export { createServiceApp, type CreateServiceAppOptions } from './create-service-app.js';
export { PinoNestLogger } from './pino-nest-logger.js';
