export {
  ClientParts,
  connectPayClientOptions,
  createServiceClient,
  manageClientCredentials,
  type ClientCredentialsLifecycle,
  type ClientCredentialsOptions,
  type ServiceClientOptions,
  type ServiceClientTuning,
} from './connectpay-client.js';
