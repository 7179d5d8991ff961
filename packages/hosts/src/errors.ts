/** Stable codes: callers and logs match on these, never on message text. */
export const HOSTS_ERROR_CODES = [
  'HOSTS_UNKNOWN_API',
  'HOSTS_UNKNOWN_ENVIRONMENT',
  'HOSTS_HOST_NOT_CONFIGURED',
  'HOSTS_INVALID_BASE_URL',
  'HOSTS_WRONG_HOST_KIND',
  'HOSTS_SCHEME_MISMATCH',
  'HOSTS_MISSING_PATH_PARAM',
  'HOSTS_INVALID_PATH_PARAM',
  'HOSTS_INVALID_CATALOG',
  'HOSTS_MERCHANT_CONTRACT',
] as const;
export type HostsErrorCode = (typeof HOSTS_ERROR_CODES)[number];

/** What each code means, one line each: docs/errors.md is generated from this (tools/docs/errors-doc.mjs). */
export const HOSTS_ERROR_MEANING: Readonly<Record<HostsErrorCode, string>> = {
  HOSTS_UNKNOWN_API: 'The API name is not in the ConnectPay catalog.',
  HOSTS_UNKNOWN_ENVIRONMENT: 'The environment is not local, stage or prod.',
  HOSTS_HOST_NOT_CONFIGURED: 'The environment has no base URL for the host kind the API needs.',
  HOSTS_INVALID_BASE_URL: 'A base URL is not usable (not absolute, has a query, wrong form).',
  HOSTS_WRONG_HOST_KIND: 'An mTLS API was aimed at the one-way host, or the reverse.',
  HOSTS_SCHEME_MISMATCH: 'The base URL scheme does not fit the environment.',
  HOSTS_MISSING_PATH_PARAM: 'A path parameter the API needs was not given.',
  HOSTS_INVALID_PATH_PARAM: 'A path parameter value is not valid for the API.',
  HOSTS_INVALID_CATALOG: 'The API catalog itself is inconsistent (a bug in the package).',
  HOSTS_MERCHANT_CONTRACT: 'A merchant API body does not fit the published contract; the error names each field.',
};

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

/**
 * True for any error of this package. Matches by code as well as by class, so an error from another
 * copy of the package or another realm (node:vm, a worker) is recognised too.
 */
export function isHostsError(value: unknown): value is HostsError {
  if (value instanceof HostsError) return true;
  const code = (value as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && (HOSTS_ERROR_CODES as readonly string[]).includes(code);
}
