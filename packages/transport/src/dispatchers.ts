import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import type { HostKind } from '@connectpay-kit/hosts';
import type { LoadedCredentials } from './credentials.js';

export interface Timeouts {
  readonly connectMs: number;
  readonly headersMs: number;
  readonly bodyMs: number;
}

export interface PoolOptions {
  readonly timeouts: Timeouts;
  /** Extra trust for the provider's server certificate, on top of the public roots. */
  readonly caPem?: string;
  readonly connectionsPerOrigin?: number;
  readonly keepAliveTimeoutMs?: number;
}

/**
 * One undici Agent per host kind, so a connection that presented the client certificate is never
 * reused for a one-way call and the reverse. The mTLS agent is replaced, not mutated, when the
 * identity rotates: calls already dispatched finish on the old agent, which then closes.
 */
export class HostKindDispatchers {
  private readonly oneway: Agent;
  private mtls: Agent | undefined;
  private mtlsIdentity: LoadedCredentials | undefined;
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    this.oneway = this.createAgent(undefined);
  }

  get identity(): LoadedCredentials | undefined {
    return this.mtlsIdentity;
  }

  /** The agent to dispatch on now. Callers must dispatch in the same tick they get it. */
  get(kind: HostKind): Dispatcher | undefined {
    return kind === 'oneway' ? this.oneway : this.mtls;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Swaps the mTLS identity; resolves when the previous agent has drained and closed. */
  async useIdentity(identity: LoadedCredentials): Promise<void> {
    const previous = this.mtls;
    this.mtls = this.createAgent(identity);
    this.mtlsIdentity = identity;
    await previous?.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.oneway.close(), this.mtls?.close()]);
  }

  private createAgent(identity: LoadedCredentials | undefined): Agent {
    const { timeouts } = this.options;
    // One TLS context per agent: passing `ca`/`cert`/`key` to every connect would make OpenSSL parse
    // the whole public root store (plus the chain) again for each new connection (~20 ms each).
    const secureContext =
      this.options.caPem || identity
        ? createSecureContext({
            ...(this.options.caPem ? { ca: [...rootCertificates, this.options.caPem] } : {}),
            ...(identity ? { cert: identity.cert, key: identity.key } : {}),
          })
        : undefined;
    return new Agent({
      connections: this.options.connectionsPerOrigin ?? 64,
      keepAliveTimeout: this.options.keepAliveTimeoutMs ?? 30_000,
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
      connect: {
        timeout: timeouts.connectMs,
        rejectUnauthorized: true,
        ...(secureContext ? { secureContext } : {}),
      },
    });
  }
}
