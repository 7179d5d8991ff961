/** The request as the strategies see it: they may add headers, nothing else. */
export interface OutgoingRequest {
  readonly api: string;
  readonly method: string;
  readonly url: string;
  readonly body: string | undefined;
  readonly headers: Record<string, string>;
}

export type StrategyName = 'mtls' | 'basic' | 'rsa-signature' | 'bearer' | 'api-key';

/** One way to authenticate a call. A scheme from the catalog is one or two of these. */
export interface AuthStrategy {
  readonly name: StrategyName;
  apply(request: OutgoingRequest): Promise<void> | void;
}
