import type { PreparedDelivery } from './inbox-input.js';
import type { AppendResult } from './types.js';

/** The first delivery of each key in a batch: only these are inserted. */
export function firstOfEachKey(items: readonly PreparedDelivery[]): PreparedDelivery[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    if (seen.has(item.deliveryKey)) return false;
    seen.add(item.deliveryKey);
    return true;
  });
}

/**
 * One result per batch item: `stored` maps each key to its row id and whether this batch inserted
 * it. Only the first occurrence of a key that this batch inserted is not a duplicate.
 */
export function batchResults(
  items: readonly PreparedDelivery[],
  stored: ReadonlyMap<string, { readonly id: string; readonly inserted: boolean }>,
): AppendResult[] {
  const answered = new Set<string>();
  return items.map((item) => {
    const row = stored.get(item.deliveryKey);
    if (!row) throw new Error(`internal: no row for delivery ${item.deliveryKey} after commit`);
    const duplicate = !row.inserted || answered.has(item.deliveryKey);
    answered.add(item.deliveryKey);
    return { id: row.id, duplicate };
  });
}
