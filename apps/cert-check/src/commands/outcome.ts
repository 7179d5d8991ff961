import { CertsError, type CertsErrorCode } from '@connectpay-kit/certs';
import { CertCheckError } from '../errors.js';

/** Engine errors about one input file: that file is reported as unusable and the run goes on. */
const FILE_LEVEL_CODES: ReadonlySet<CertsErrorCode> = new Set([
  'CERTS_NO_CERTIFICATE',
  'CERTS_UNREADABLE_INPUT',
  'CERTS_INTERNAL',
]);

/** A per-file failure to report (exit 2 for that file), or undefined when the error must end the run. */
export function fileLevelError(error: unknown): { readonly code: string; readonly message: string } | undefined {
  if (error instanceof CertCheckError && error.code !== 'CERT_CHECK_USAGE') return error;
  if (error instanceof CertsError && FILE_LEVEL_CODES.has(error.code)) return error;
  return undefined;
}

/** Runs `work` on each item with up to `limit` in flight, handing results over in input order. */
export async function forEachInOrder<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
  emit: (result: R, item: T) => void,
): Promise<void> {
  const settled = (item: T): Promise<{ ok: true; value: R } | { ok: false; error: unknown }> =>
    work(item).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  const pending = items.slice(0, limit).map(settled);
  for (let index = 0; index < items.length; index++) {
    const result = await (pending[index] as ReturnType<typeof settled>);
    const following = items[index + limit];
    if (index + limit < items.length) pending.push(settled(following as T));
    if (!result.ok) throw result.error;
    emit(result.value, items[index] as T);
  }
}
