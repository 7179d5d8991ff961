import type { IncomingHttpHeaders } from 'node:http';

// Credentials a proxy or client might add; never written to the inbox (the token header is added per config).
const ALWAYS_DROPPED = ['authorization', 'proxy-authorization', 'cookie', 'x-admin-key'];

/**
 * The request headers as the inbox keeps them: lower-case names, repeated headers joined with ", ",
 * and without the webhook token or any other credential, so a database dump or an admin view never
 * shows a secret.
 */
export function headersToStore(headers: IncomingHttpHeaders, tokenHeader: string): Record<string, string> {
  const stored: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === tokenHeader || ALWAYS_DROPPED.includes(name)) continue;
    stored[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return stored;
}
