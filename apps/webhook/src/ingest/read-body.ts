import type { IncomingMessage } from 'node:http';

export type BodyReadFailure = 'too_large' | 'incomplete';

/** Why a body could not be read; the ingest handler turns it into 413 or 400. */
export class BodyReadError extends Error {
  constructor(readonly reason: BodyReadFailure) {
    super(reason === 'too_large' ? 'The body exceeds the configured limit.' : 'The body ended before it was complete.');
  }
}

/**
 * The whole request body, at most `limit` bytes. Stops reading as soon as the limit is passed (the
 * caller answers 413 and closes the connection), and fails when the client aborts half-way.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let settled = false;
    const finish = (error: BodyReadError | undefined) => {
      if (settled) return;
      settled = true;
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('aborted', onAborted);
      request.off('error', onAborted);
      if (error) reject(error);
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length));
    };
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        request.pause();
        finish(new BodyReadError('too_large'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(request.complete ? undefined : new BodyReadError('incomplete'));
    const onAborted = () => finish(new BodyReadError('incomplete'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('aborted', onAborted);
    request.on('error', onAborted);
  });
}
