import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';

/** Where one attempt stands: waiting for a connection, for the answer's headers, or for its body. */
export type CallPhase = 'connect' | 'headers' | 'body';

export interface ExchangeResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
}

/**
 * One HTTP exchange on an undici dispatcher, collected into a string. A dispatch handler instead of
 * `undici.request()`: it knows which phase the attempt is in (so a deadline can name it), it can be
 * cancelled in any phase, including before a connection is assigned, and it skips the Readable stream
 * `request()` builds around every body.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  phase: CallPhase = 'connect';
  readonly done: Promise<ExchangeResult>;
  private controller: Dispatcher.DispatchController | undefined;
  private cancelledWith: Error | undefined;
  private settled = false;
  private status = 0;
  private headers: Record<string, string> = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private resolve!: (result: ExchangeResult) => void;
  private reject!: (error: unknown) => void;

  constructor(
    private readonly maxBytes: number,
    private readonly tooLarge: () => Error,
  ) {
    this.done = new Promise<ExchangeResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Ends the attempt now with `reason`: the promise rejects at once, the socket is torn down when undici gets to it. */
  cancel(reason: Error): void {
    if (this.settled) return;
    this.cancelledWith = reason;
    this.fail(reason);
    this.controller?.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.cancelledWith) {
      controller.abort(this.cancelledWith);
      return;
    }
    this.phase = 'headers';
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return; // 1xx informational: the real answer follows
    this.status = statusCode;
    this.headers = flatten(headers);
    this.phase = 'body';
    const declared = Number(this.headers['content-length']);
    if (declared > this.maxBytes) this.abortWith(controller, this.tooLarge());
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      this.abortWith(controller, this.tooLarge());
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    const body = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    this.resolve({ status: this.status, headers: this.headers, text: body.toString('utf8') });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  private abortWith(controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
    controller.abort(error);
  }

  private fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.chunks = [];
    this.reject(error);
  }
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
