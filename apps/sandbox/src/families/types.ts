import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiName } from '@connectpay-kit/hosts';
import type { RouteMatch } from '../routes.js';
import type { SandboxOptions } from '../sandbox.js';
import type { WebhookSender } from '../webhooks.js';

/** Serves one catalog API; throws HttpProblem to refuse. */
export type Handler = (
  request: IncomingMessage,
  response: ServerResponse,
  match: RouteMatch,
  body: string,
) => Promise<void> | void;

/** What the sandbox gives every family: its options and the parts families share. */
export interface FamilyContext {
  readonly options: SandboxOptions;
  readonly webhooks: WebhookSender;
  readonly log: (line: Record<string, unknown>) => void;
  /** Basic client credentials plus X-Signature over method, URL and body: the merchant API v2 scheme. */
  requireMerchantAuth(request: IncomingMessage, body: string): void;
  /** The one-way host's public origin (for pages a payer is sent to); known once the sandbox listens. */
  publicOnewayUrl(): string;
}

/**
 * One API family of the sandbox (merchant payments, OAuth, …): the catalog APIs it serves, its
 * sandbox-only controls on the one-way host (what a person does in the provider's portal or widget),
 * and its state. Adding an API family is adding a module in this folder and a line in index.ts.
 */
export interface SandboxFamily {
  readonly name: string;
  readonly handlers: Partial<Record<ApiName, Handler>>;
  /** A sandbox-only control on the one-way host; returns false when the path is not one of its own. */
  control?(
    request: IncomingMessage,
    response: ServerResponse,
    pathname: string,
    body: string,
  ): Promise<boolean> | boolean;
  /** Stops timers and waits for work in flight, when the sandbox closes. */
  close?(): Promise<void> | void;
}
