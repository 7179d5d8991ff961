import type { BaseUrls, Environment } from '@connectpay-kit/hosts';
import type { ConfigSources } from './origins.js';
import type { Secret } from './secret.js';
import type { CredentialKind, MerchantSignaturePadding } from './variables.js';

/** The client certificate chain and its key, for the mTLS host. */
export interface MtlsCredentials {
  /** Absolute path of `CONNECTPAY_<ENV>_CLIENT_CERT_FILE`. */
  readonly certFile: string;
  /** The chain's certificates as PEM, leaf first, exactly as in the file (any other block dropped). */
  readonly certChainPem: string;
  /** SHA-256 fingerprint of the leaf (`AB:CD:…`), safe to log. */
  readonly leafFingerprint256: string;
  readonly keyFile: string;
  /** The leaf's private key, PEM. */
  readonly key: Secret;
}

/** DevApp credentials for `Authorization: Basic base64(ClientId:ClientSecret)` and OAuth. */
export interface BasicCredentials {
  readonly clientId: string;
  readonly clientSecretFile: string;
  readonly clientSecret: Secret;
}

/**
 * How `X-Signature` is computed: the parts ConnectPay leaves unpublished. Structurally the same as
 * transport's `MerchantSignatureOptions` (config does not import transport), so it is passed as is.
 */
export interface MerchantSignatureSettings {
  /** Between method, URL and body (`CONNECTPAY_<ENV>_MERCHANT_SIGNATURE_SEPARATOR`, percent-decoded). Default ''. */
  readonly separator: string;
  /** Whether the query string is signed as part of the URL (`_MERCHANT_SIGNATURE_QUERY`). Default true. */
  readonly includeQuery: boolean;
  /** RSA padding (`_MERCHANT_SIGNATURE_PADDING`). Default 'pkcs1'. */
  readonly padding: MerchantSignaturePadding;
}

/** The RSA key that signs merchant API requests (`X-Signature`), and how it signs them. */
export interface MerchantCredentials {
  readonly keyFile: string;
  /** PEM. */
  readonly privateKey: Secret;
  readonly signature: MerchantSignatureSettings;
}

export interface CredentialsByKind {
  readonly mtls: MtlsCredentials;
  readonly basic: BasicCredentials;
  readonly merchant: MerchantCredentials;
}

/** One environment's validated, frozen configuration. */
/** The staged next client certificate's files and the agreed switch instant (packages/transport CredentialRotation). */
export interface NextMtlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** ISO 8601 in UTC; absent means the switch is made by an admin call. */
  readonly switchAt?: string;
}

export interface ConnectPayConfig {
  readonly environment: Environment;
  /** Without a trailing slash. */
  readonly baseUrls: BaseUrls;
  readonly mtls?: MtlsCredentials;
  /** `CONNECTPAY_<ENV>_NEXT_CLIENT_CERT_FILE`, `_NEXT_CLIENT_KEY_FILE`, `_SWITCH_AT`: paths only, read by the service's rotation. */
  readonly nextMtls?: NextMtlsFiles;
  /** Extra trust for the provider's (or sandbox's) server certificate; absent means public roots. */
  readonly caFile?: string;
  readonly caPem?: string;
  readonly basic?: BasicCredentials;
  readonly merchant?: MerchantCredentials;
  /** Things that work but deserve attention (ignored variables, a cert shared with prod, ...). */
  readonly warnings: readonly string[];
  /** Which variable, file or default gave each value. */
  readonly sources: ConfigSources;
}

/** A config whose `K` credential groups are known to be present (they were required). */
export type ConnectPayConfigWith<K extends CredentialKind> = ConnectPayConfig & {
  readonly [P in K]: CredentialsByKind[P];
};

/** The groups required when `require` is not given: all three for local, mTLS + Basic otherwise. */
export type DefaultRequired<E extends Environment> = [E] extends ['local'] ? CredentialKind : 'mtls' | 'basic';

/**
 * The groups a load guarantees: the listed ones for a literal `require` tuple, none for an array
 * whose content is only known at run time, the environment's defaults when `require` is omitted.
 */
export type RequiredKinds<
  E extends Environment,
  R extends readonly CredentialKind[] | undefined,
> = R extends readonly CredentialKind[] ? (number extends R['length'] ? never : R[number]) : DefaultRequired<E>;

export interface LoadConfigOptions<
  R extends readonly CredentialKind[] | undefined = readonly CredentialKind[] | undefined,
> {
  /** Credential groups that must be present; default `DEFAULT_REQUIRE[environment]`. */
  readonly require?: R;
}
