/** The environments one process can serve. `local` talks to apps/sandbox; stage and prod to ConnectPay. */
export const ENVIRONMENTS = ['local', 'stage', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** The provider's two host kinds. They are mutually exclusive: no API is reachable on both. */
export const HOST_KINDS = ['mtls', 'oneway'] as const;
export type HostKind = (typeof HOST_KINDS)[number];

export type BaseUrls = Readonly<Record<HostKind, string>>;

/**
 * The provider's published hostnames (connectpay-server-to-server.md). `local` has none: its
 * base URLs come from configuration (the sandbox by default).
 */
export const PROVIDER_BASE_URLS: Readonly<Record<Exclude<Environment, 'local'>, BaseUrls>> = {
  stage: { mtls: 'https://api-stage.connectpay.com', oneway: 'https://api2-stage.connectpay.com' },
  prod: { mtls: 'https://api.connectpay.com', oneway: 'https://api2.connectpay.com' },
};

export function isEnvironment(value: unknown): value is Environment {
  return typeof value === 'string' && (ENVIRONMENTS as readonly string[]).includes(value);
}

export interface KnownProviderHost {
  readonly environment: Exclude<Environment, 'local'>;
  readonly kind: HostKind;
}

/**
 * Which provider host a hostname is, if it is one. Used to refuse a base URL that names the other
 * host kind or the other environment (e.g. api2-stage configured as the prod mTLS URL).
 */
export function classifyProviderHost(hostname: string): KnownProviderHost | undefined {
  return PROVIDER_HOSTNAMES.get(hostname.toLowerCase().replace(/\.$/, ''));
}

// Built once: the resolver classifies a base URL on every call.
const PROVIDER_HOSTNAMES: ReadonlyMap<string, KnownProviderHost> = new Map(
  (['stage', 'prod'] as const).flatMap((environment) =>
    HOST_KINDS.map((kind) => [new URL(PROVIDER_BASE_URLS[environment][kind]).hostname, { environment, kind }] as const),
  ),
);
