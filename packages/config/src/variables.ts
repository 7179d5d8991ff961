import type { BaseUrls, Environment } from '@connectpay-kit/hosts';

/** The settings every environment has; the variable is `CONNECTPAY_<ENV>_<SETTING>`. */
export const SETTINGS = [
  'MTLS_URL',
  'ONEWAY_URL',
  'CLIENT_CERT_FILE',
  'CLIENT_KEY_FILE',
  'CA_FILE',
  'CLIENT_ID',
  'CLIENT_SECRET_FILE',
  'MERCHANT_KEY_FILE',
  'MERCHANT_SIGNATURE_SEPARATOR',
  'MERCHANT_SIGNATURE_QUERY',
  'MERCHANT_SIGNATURE_PADDING',
  'NEXT_CLIENT_CERT_FILE',
  'NEXT_CLIENT_KEY_FILE',
  'SWITCH_AT',
] as const;
export type Setting = (typeof SETTINGS)[number];
export type UrlSetting = Extract<Setting, `${string}_URL`>;
export type FileSetting = Extract<Setting, `${string}_FILE`>;

export type VariableName<
  E extends Environment = Environment,
  S extends Setting = Setting,
> = `CONNECTPAY_${Uppercase<E>}_${S}`;

/** Picks the environment a process serves (`loadConfigFromEnv`). */
export const ENVIRONMENT_VARIABLE = 'CONNECTPAY_ENV';
export const DEFAULT_ENVIRONMENT: Environment = 'local';

export function variableName<E extends Environment, S extends Setting>(environment: E, setting: S): VariableName<E, S> {
  return `CONNECTPAY_${environment.toUpperCase() as Uppercase<E>}_${setting}`;
}

/** The credential groups a profile can carry; `require` names the ones a process cannot run without. */
export const CREDENTIAL_KINDS = ['mtls', 'basic', 'merchant'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

export function isCredentialKind(value: unknown): value is CredentialKind {
  return typeof value === 'string' && (CREDENTIAL_KINDS as readonly string[]).includes(value);
}

/** `local` requires everything because the dev PKI supplies everything. */
export const DEFAULT_REQUIRE: Readonly<Record<Environment, readonly CredentialKind[]>> = Object.freeze({
  local: Object.freeze(['mtls', 'basic', 'merchant'] as const),
  stage: Object.freeze(['mtls', 'basic'] as const),
  prod: Object.freeze(['mtls', 'basic'] as const),
});

/** The variables each credential group is made of, in the order they are reported. */
export const CREDENTIAL_SETTINGS = Object.freeze({
  mtls: Object.freeze(['CLIENT_CERT_FILE', 'CLIENT_KEY_FILE'] as const),
  basic: Object.freeze(['CLIENT_ID', 'CLIENT_SECRET_FILE'] as const),
  merchant: Object.freeze(['MERCHANT_KEY_FILE'] as const),
}) satisfies Readonly<Record<CredentialKind, readonly Setting[]>>;

/**
 * How the merchant `X-Signature` signing string is built and padded. ConnectPay does not publish
 * these (connectpay-api-notes.md, Merchant API v2), so they are settings rather than code; they
 * belong to the merchant group but are not part of its all-or-nothing pair check, since each has a
 * default.
 */
export const MERCHANT_SIGNATURE_SETTINGS = Object.freeze([
  'MERCHANT_SIGNATURE_SEPARATOR',
  'MERCHANT_SIGNATURE_QUERY',
  'MERCHANT_SIGNATURE_PADDING',
] as const) satisfies readonly Setting[];

export const MERCHANT_SIGNATURE_PADDINGS = Object.freeze(['pkcs1', 'pss'] as const);
export type MerchantSignaturePadding = (typeof MERCHANT_SIGNATURE_PADDINGS)[number];

/** Values the `MERCHANT_SIGNATURE_QUERY` flag accepts, as service-kit's flags do. */
export const FLAG_VALUES = Object.freeze({
  true: Object.freeze(['true', '1', 'yes'] as const),
  false: Object.freeze(['false', '0', 'no'] as const),
});

/**
 * The staged next client certificate and the instant to switch to it (packages/transport's
 * CredentialRotation): not a credential group, since a missing or broken staged pair must never stop
 * a service that runs on the current one.
 */
export const ROTATION_SETTINGS = Object.freeze([
  'NEXT_CLIENT_CERT_FILE',
  'NEXT_CLIENT_KEY_FILE',
  'SWITCH_AT',
] as const) satisfies readonly Setting[];

/** Ports apps/sandbox listens on: its mTLS host and its one-way host. */
export const SANDBOX_DEFAULT_PORTS = Object.freeze({ mtls: 8443, oneway: 8444 } as const);

export const LOCAL_BASE_URLS: BaseUrls = Object.freeze({
  mtls: `https://127.0.0.1:${SANDBOX_DEFAULT_PORTS.mtls}`,
  oneway: `https://127.0.0.1:${SANDBOX_DEFAULT_PORTS.oneway}`,
});

/** Folder (under the working directory) that testing-pki's ensureDevPki fills for `local`. */
export const DEV_PKI_DIR_NAME = '.dev-pki';

/**
 * The workspace's command that makes the dev PKI (testing-pki's ensureDevPki as an Nx target, which
 * every `nx serve` runs first). The apps only read the folder; their errors name this command.
 */
export const DEV_PKI_COMMAND = 'npx nx run sandbox:dev-pki';

/** File names inside the dev PKI folder; packages/testing-pki writes exactly these. */
export const DEV_PKI_FILES = Object.freeze({
  clientChain: 'client-chain.pem',
  clientKey: 'client.key',
  ca: 'ca.pem',
  clientId: 'client-id.txt',
  clientSecret: 'client-secret.txt',
  merchantKey: 'merchant.key',
  webhookToken: 'webhook-token.txt',
  tokenEncryptionKey: 'token-encryption.key',
} as const);

/** Which dev PKI file stands in for an unset `CONNECTPAY_LOCAL_*` variable. */
export const DEV_PKI_DEFAULTS: Readonly<Partial<Record<Setting, string>>> = Object.freeze({
  CLIENT_CERT_FILE: DEV_PKI_FILES.clientChain,
  CLIENT_KEY_FILE: DEV_PKI_FILES.clientKey,
  CA_FILE: DEV_PKI_FILES.ca,
  CLIENT_ID: DEV_PKI_FILES.clientId,
  CLIENT_SECRET_FILE: DEV_PKI_FILES.clientSecret,
  MERCHANT_KEY_FILE: DEV_PKI_FILES.merchantKey,
});
