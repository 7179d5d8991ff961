import {
  checkBaseUrl,
  classifyProviderHost,
  type Environment,
  type HostKind,
  PROVIDER_BASE_URLS,
  WrongHostKindError,
} from '@connectpay-kit/hosts';
import type { ConfigIssueCode } from './errors.js';
import { LOCAL_BASE_URLS } from './variables.js';

export type UrlCheck =
  | { readonly ok: true; readonly url: string }
  | { readonly ok: false; readonly code: ConfigIssueCode; readonly reason: string };

const HOST_KIND_LABEL: Readonly<Record<HostKind, string>> = {
  mtls: 'two-way (mTLS)',
  oneway: 'one-way TLS',
};

export function defaultBaseUrl(environment: Environment, kind: HostKind): string {
  return environment === 'local' ? LOCAL_BASE_URLS[kind] : PROVIDER_BASE_URLS[environment][kind];
}

/**
 * Decides whether a configured base URL may be used as the `kind` host of `environment`. Reasons
 * name the hostname at most, never the raw value: a mistyped variable may hold a password.
 * The order matters: the most specific explanation wins (a prod profile naming a stage host is
 * told exactly that, not just "overrides are not allowed").
 */
export function checkUrlSetting(environment: Environment, kind: HostKind, value: string): UrlCheck {
  const expected = defaultBaseUrl(environment, kind);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return fail('CONFIG_INVALID_URL', `is not an absolute URL; expected one like ${expected}.`);
  }
  if (parsed.protocol !== 'https:') {
    return fail(
      'CONFIG_URL_NOT_HTTPS',
      `uses ${parsed.protocol.replace(/:$/, '')}; ConnectPay (and the sandbox) are only reachable over https, e.g. ${expected}.`,
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return fail(
      'CONFIG_INVALID_URL',
      'carries credentials (user:password@); remove them: credentials come only from the _FILE variables.',
    );
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    return fail(
      'CONFIG_INVALID_URL',
      `carries a query string or fragment; a base URL is just the origin, e.g. ${expected}.`,
    );
  }

  const known = classifyProviderHost(parsed.hostname);
  if (environment === 'prod' && known?.environment === 'stage') {
    return fail(
      'CONFIG_PROD_USES_STAGE_HOST',
      `names ${parsed.hostname}, ConnectPay's stage host; a prod profile must call ${expected}. ` +
        'Unset the variable to use it.',
    );
  }
  if (known !== undefined && known.kind !== kind) {
    return fail(
      'CONFIG_WRONG_HOST_KIND',
      `names ${parsed.hostname}, ConnectPay's ${HOST_KIND_LABEL[known.kind]} host; the ${kind} URL must name a ` +
        `${HOST_KIND_LABEL[kind]} host (${expected}): the two kinds are mutually exclusive.`,
    );
  }

  if (environment === 'local' && known?.environment === 'prod') {
    // A local profile has no prod guards (shared files, certificates, keys); reaching prod must go through them.
    return fail(
      'CONFIG_URL_OVERRIDE_NOT_ALLOWED',
      `names ${parsed.hostname}, ConnectPay's prod host; a local profile may not call prod. ` +
        'Run with CONNECTPAY_ENV=prod so the prod checks apply.',
    );
  }

  const normalized = parsed.origin + parsed.pathname.replace(/\/+$/, '');
  if (environment !== 'local' && normalized !== expected) {
    const which = known !== undefined ? `ConnectPay's ${known.environment} host ${parsed.hostname}` : parsed.hostname;
    return fail(
      'CONFIG_URL_OVERRIDE_NOT_ALLOWED',
      `names ${which}; base URLs may be overridden only in local. The ${environment} ${kind} URL is ${expected}: ` +
        'unset the variable (or set exactly that value).',
    );
  }

  try {
    checkBaseUrl(normalized, environment, kind);
  } catch (error) {
    // The checks above are meant to be a superset of hosts' rules; this keeps them from drifting apart.
    if (error instanceof WrongHostKindError) return fail('CONFIG_WRONG_HOST_KIND', error.message);
    return fail(
      'CONFIG_INVALID_URL',
      `is not usable as the ${environment} ${kind} host; expected one like ${expected}.`,
    );
  }
  return { ok: true, url: normalized };
}

function fail(code: ConfigIssueCode, reason: string): UrlCheck {
  return { ok: false, code, reason };
}
