export {
  createServiceApp,
  listenOn,
  type CreateServiceAppOptions,
  type ServiceModule,
  type ServiceModuleOptions,
  type RuntimeInputs,
  type ServiceApp,
  type ServiceAppOptions,
} from './create-service-app.js';
export { PinoNestLogger } from './pino-nest-logger.js';
