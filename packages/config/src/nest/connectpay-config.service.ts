import { Inject, Injectable } from '@nestjs/common';
import type { BaseUrls, Environment } from '@connectpay-kit/hosts';
import { requireCredential } from '../load.js';
import type {
  BasicCredentials,
  ConnectPayConfig,
  CredentialsByKind,
  MerchantCredentials,
  MtlsCredentials,
} from '../types.js';
import type { CredentialKind } from '../variables.js';
import { CONNECTPAY_CONFIG } from './tokens.js';

/** Typed access to the profile the module validated at start. */
@Injectable()
export class ConnectPayConfigService {
  constructor(@Inject(CONNECTPAY_CONFIG) readonly config: ConnectPayConfig) {}

  get environment(): Environment {
    return this.config.environment;
  }

  get baseUrls(): BaseUrls {
    return this.config.baseUrls;
  }

  get mtls(): MtlsCredentials | undefined {
    return this.config.mtls;
  }

  get basic(): BasicCredentials | undefined {
    return this.config.basic;
  }

  get merchant(): MerchantCredentials | undefined {
    return this.config.merchant;
  }

  get caPem(): string | undefined {
    return this.config.caPem;
  }

  get warnings(): readonly string[] {
    return this.config.warnings;
  }

  /** The credential group, or a CredentialNotConfiguredError naming the variables to set. */
  require<K extends CredentialKind>(kind: K): CredentialsByKind[K] {
    return requireCredential(this.config, kind);
  }
}
