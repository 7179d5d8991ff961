export {
  ClientParts,
  connectPayClientOptions,
  createServiceClient,
  manageClientCredentials,
  switchClientCertificateNow,
  type ClientCredentialsLifecycle,
  type ClientCredentialsOptions,
  type ServiceClientOptions,
  type ServiceClientTuning,
} from './connectpay-client.js';
