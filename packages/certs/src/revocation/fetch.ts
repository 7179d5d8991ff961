/** Responses larger than this are not CRLs a client should download during a check. */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export type FetchOutcome =
  { readonly ok: true; readonly body: Uint8Array } | { readonly ok: false; readonly error: string };

/** GET or POST with a hard timeout; never throws. */
export async function fetchBytes(
  url: string,
  timeoutMs: number,
  request?: { readonly body: Uint8Array; readonly contentType: string },
): Promise<FetchOutcome> {
  if (!/^https?:\/\//i.test(url)) return { ok: false, error: `${url} is not an http(s) URL` };
  try {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'follow',
      ...(request ? { method: 'POST', body: request.body, headers: { 'content-type': request.contentType } } : {}),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, error: `${url} answered HTTP ${response.status}` };
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > MAX_RESPONSE_BYTES) {
      await response.body?.cancel();
      return { ok: false, error: `${url} is larger than ${MAX_RESPONSE_BYTES} bytes` };
    }
    const body = new Uint8Array(await response.arrayBuffer());
    if (body.length > MAX_RESPONSE_BYTES)
      return { ok: false, error: `${url} is larger than ${MAX_RESPONSE_BYTES} bytes` };
    return { ok: true, body };
  } catch (error) {
    // Checked by name: the abort reason is a DOMException, which is not an Error of every realm.
    const name = (error as { name?: unknown } | null)?.name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    return {
      ok: false,
      error: timedOut
        ? `${url} did not answer within ${timeoutMs} ms`
        : `${url} could not be fetched (${describe(error)})`,
    };
  }
}

function describe(error: unknown): string {
  const { message, cause } = (error ?? {}) as { message?: unknown; cause?: { message?: unknown } };
  if (typeof cause?.message === 'string') return cause.message;
  return typeof message === 'string' ? message : String(error);
}
