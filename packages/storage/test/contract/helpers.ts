import type { InboxDelivery, StorageErrorCode } from '../../src/index.js';
import { StorageError } from '../../src/index.js';
import type { HarnessFactory, StorageHarness } from '../support/harness.js';

export const T0 = new Date('2026-03-01T10:00:00.000Z');

export function at(offsetMs: number): Date {
  return new Date(T0.getTime() + offsetMs);
}

export function delivery(deliveryKey: string, overrides: Partial<InboxDelivery> = {}): InboxDelivery {
  return {
    deliveryKey,
    receivedAt: T0,
    headers: { 'content-type': 'application/json', 'x-connectpay-timestamp': T0.toISOString() },
    body: JSON.stringify({ id: deliveryKey, type: 'OutgoingPayment.Created' }),
    ...overrides,
  };
}

/** Resolves to the StorageError a promise rejected with, failing the test when it resolved or threw something else. */
export async function rejection(promise: Promise<unknown>, code: StorageErrorCode): Promise<StorageError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(StorageError);
  expect((outcome as StorageError).code).toBe(code);
  return outcome as StorageError;
}

/** A fresh harness per test, destroyed after it: tests never see each other's rows. */
export function useHarness(factory: HarnessFactory): () => StorageHarness {
  let current: StorageHarness | undefined;
  beforeEach(async () => {
    current = await factory();
  });
  afterEach(async () => {
    await current?.destroy();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('harness used outside a test');
    return current;
  };
}

export function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}
