import type { ConnectPayConfig } from '../types.js';

/** Injection token of the validated `ConnectPayConfig`. */
export const CONNECTPAY_CONFIG = 'CONNECTPAY_CONFIG';

/** The @nestjs/config namespace the profile is registered under: `configService.get('connectpay')`. */
export const CONNECTPAY_CONFIG_NAMESPACE = 'connectpay';

/** For a typed `ConfigService<ConnectPayConfigNamespace, true>`. */
export interface ConnectPayConfigNamespace {
  readonly [CONNECTPAY_CONFIG_NAMESPACE]: ConnectPayConfig;
}
