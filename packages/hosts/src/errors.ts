/** Stable codes: callers and logs match on these, never on message text. */
export type HostsErrorCode =
  | 'HOSTS_UNKNOWN_API'
  | 'HOSTS_UNKNOWN_ENVIRONMENT'
  | 'HOSTS_HOST_NOT_CONFIGURED'
  | 'HOSTS_INVALID_BASE_URL'
  | 'HOSTS_WRONG_HOST_KIND'
  | 'HOSTS_SCHEME_MISMATCH'
  | 'HOSTS_MISSING_PATH_PARAM'
  | 'HOSTS_INVALID_PATH_PARAM'
  | 'HOSTS_INVALID_CATALOG'
  | 'HOSTS_MERCHANT_CONTRACT';

export class HostsError extends Error {
  readonly code: HostsErrorCode;

  constructor(code: HostsErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

export class UnknownApiError extends HostsError {
  constructor(
    readonly api: string,
    suggestions: readonly string[],
  ) {
    const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : '';
    super('HOSTS_UNKNOWN_API', `Unknown API "${api}": it is not in the ConnectPay catalog.${hint}`);
  }
}

export class UnknownEnvironmentError extends HostsError {
  constructor(readonly environment: string) {
    super('HOSTS_UNKNOWN_ENVIRONMENT', `Unknown environment "${environment}": use local, stage or prod.`);
  }
}

export class HostNotConfiguredError extends HostsError {
  constructor(
    readonly environment: string,
    readonly hostKind: string,
  ) {
    super(
      'HOSTS_HOST_NOT_CONFIGURED',
      `The ${environment} environment has no ${hostKind} host: set CONNECTPAY_${environment.toUpperCase()}_${hostKind === 'mtls' ? 'MTLS' : 'ONEWAY'}_URL.`,
    );
  }
}

export class InvalidBaseUrlError extends HostsError {
  constructor(
    readonly baseUrl: string,
    reason: string,
  ) {
    super('HOSTS_INVALID_BASE_URL', `Base URL "${baseUrl}" is not usable: ${reason}`);
  }
}

export class WrongHostKindError extends HostsError {
  constructor(message: string) {
    super('HOSTS_WRONG_HOST_KIND', message);
  }
}

export class SchemeMismatchError extends HostsError {
  constructor(message: string) {
    super('HOSTS_SCHEME_MISMATCH', message);
  }
}

export class MissingPathParamError extends HostsError {
  constructor(
    readonly api: string,
    readonly param: string,
  ) {
    super('HOSTS_MISSING_PATH_PARAM', `API "${api}" needs the path parameter "${param}" (a non-empty string).`);
  }
}

export class InvalidPathParamError extends HostsError {
  constructor(
    readonly api: string,
    readonly param: string,
    value: string,
  ) {
    super(
      'HOSTS_INVALID_PATH_PARAM',
      `API "${api}": "${value}" is not a valid value for the path parameter "${param}".`,
    );
  }
}

export class InvalidCatalogError extends HostsError {
  constructor(message: string) {
    super('HOSTS_INVALID_CATALOG', message);
  }
}

/** A merchant API body that does not fit ConnectPay's published contract; `problems` names each field. */
export class MerchantContractError extends HostsError {
  constructor(
    readonly contract: string,
    readonly problems: readonly { readonly path: string; readonly message: string }[],
  ) {
    const list = problems
      .slice(0, 5)
      .map((problem) => `${problem.path}: ${problem.message}`)
      .join(' ');
    super('HOSTS_MERCHANT_CONTRACT', `The ${contract} body does not fit ConnectPay's published contract. ${list}`);
  }
}
