import type { TransportError } from '@connectpay-kit/transport';

/** The error a call rejects with; fails the test when the call succeeds instead. */
export async function failure(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise;
  } catch (error) {
    return error as TransportError;
  }
  throw new Error('expected the call to fail');
}
