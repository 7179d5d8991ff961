export { ConnectPayConfigModule, type ConnectPayConfigModuleOptions } from './connectpay-config.module.js';
export { ConnectPayConfigService } from './connectpay-config.service.js';
export { CONNECTPAY_CONFIG, CONNECTPAY_CONFIG_NAMESPACE, type ConnectPayConfigNamespace } from './tokens.js';
