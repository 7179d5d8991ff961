import type { HostKind } from '@connectpay-kit/hosts';
import {
  ClientCertificateRefusedError,
  ServerCertificateUntrustedError,
  TransportError,
  type TransportErrorContext,
  TransportTimeoutError,
} from './errors.js';

const SERVER_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  name?: unknown;
}

/** Every code and message along an error's cause chain: undici wraps socket errors. */
function chain(error: unknown): ErrorLike[] {
  const seen: ErrorLike[] = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && seen.length < 5) {
    seen.push(current as ErrorLike);
    current = (current as ErrorLike).cause;
  }
  return seen;
}

/**
 * Turns what undici and OpenSSL throw into the platform's typed errors, naming the probable cause a
 * person can act on. A server that refuses the client certificate surfaces either as a TLS alert
 * (TLS 1.2, or TLS 1.3 when the alert arrives before the request is written) or as a socket closed
 * by the other side right after the handshake (TLS 1.3): both are reported as a refused client cert
 * on the mTLS host.
 */
/**
 * What the client knows of the identity it presented: `null` when it presented none. A server that
 * refuses a certificate often just closes the socket (Node, nginx with TLS 1.3), so the client's own
 * view of its certificate is the best evidence of why.
 */
export type PresentedIdentity = { readonly notBefore: Date; readonly notAfter: Date } | null;

export function mapConnectionError(
  error: unknown,
  hostKind: HostKind,
  context: TransportErrorContext,
  identity?: PresentedIdentity,
  now: Date = new Date(),
  /** The origin accepted this identity before: a closed socket is then a reset, not a refusal. */
  identityAcceptedBefore = false,
): TransportError {
  if (error instanceof TransportError) return error;
  const links = chain(error);
  const codes = links.map((l) => (typeof l.code === 'string' ? l.code : '')).filter(Boolean);
  const text = links.map((l) => (typeof l.message === 'string' ? l.message : '')).join(' | ');
  const has = (code: string) => codes.includes(code);
  const origin = context.origin ?? 'the provider';

  if (has('UND_ERR_CONNECT_TIMEOUT')) return new TransportTimeoutError('connect', context, error);
  if (has('UND_ERR_HEADERS_TIMEOUT')) return new TransportTimeoutError('headers', context, error);
  if (has('UND_ERR_BODY_TIMEOUT')) return new TransportTimeoutError('body', context, error);

  const serverTrust = codes.find((c) => SERVER_TRUST_CODES.has(c));
  if (serverTrust) {
    return new ServerCertificateUntrustedError(
      `The server certificate of ${origin} is not trusted (${serverTrust}): check the environment's base URL, and ` +
        `CONNECTPAY_<ENV>_CA_FILE when the server uses a private CA (local: the dev PKI's ca.pem).`,
      context,
      error,
    );
  }

  const alert = codes.find((c) => c.startsWith('ERR_SSL_') && c.includes('ALERT')) ?? '';
  if (alert) {
    if (alert.includes('CERTIFICATE_REQUIRED') || alert.includes('HANDSHAKE_FAILURE')) {
      return new ClientCertificateRefusedError(
        `${origin} asked for a client certificate and got none it accepts (${alert}): set CONNECTPAY_<ENV>_CLIENT_CERT_FILE and _CLIENT_KEY_FILE.`,
        'missing',
        context,
        error,
      );
    }
    if (alert.includes('CERTIFICATE_EXPIRED')) {
      return new ClientCertificateRefusedError(
        `${origin} refused the client certificate as expired (${alert}): renew it and check it with \`cert-check verify\`.`,
        'expired',
        context,
        error,
      );
    }
    if (alert.includes('CERTIFICATE_REVOKED')) {
      return new ClientCertificateRefusedError(
        `${origin} refused the client certificate as revoked (${alert}): order a new one.`,
        'revoked',
        context,
        error,
      );
    }
    if (
      alert.includes('UNKNOWN_CA') ||
      alert.includes('BAD_CERTIFICATE') ||
      alert.includes('UNSUPPORTED_CERTIFICATE')
    ) {
      return new ClientCertificateRefusedError(
        `${origin} does not trust the client certificate (${alert}): the chain is not registered with ConnectPay ` +
          `(send it with \`cert-check bundle\`), incomplete, or issued by another CA.`,
        'untrusted',
        context,
        error,
      );
    }
    return refusedByPeer(origin, context, error, identity, now, alert);
  }

  const closedEarly =
    has('UND_ERR_SOCKET') || has('ECONNRESET') || has('EPIPE') || /other side closed|socket hang up/i.test(text);
  if (closedEarly && hostKind === 'mtls' && !identityAcceptedBefore)
    return refusedByPeer(origin, context, error, identity, now);
  if (closedEarly) {
    return new TransportError('TRANSPORT_CONNECTION_RESET', `${origin} closed the connection unexpectedly.`, context, {
      cause: error,
      connectionLevel: true,
    });
  }
  if (has('ECONNREFUSED') || has('ENOTFOUND') || has('EAI_AGAIN') || has('EHOSTUNREACH') || has('ENETUNREACH')) {
    const code = codes.find((c) => c.startsWith('E')) ?? 'ECONNREFUSED';
    return new TransportError(
      'TRANSPORT_CONNECTION_REFUSED',
      `Could not connect to ${origin} (${code}): check the base URL and that the host is reachable` +
        `${hostKind === 'mtls' ? ' (local: is the sandbox running?)' : ''}.`,
      context,
      { cause: error, connectionLevel: true },
    );
  }
  if (codes.some((c) => c.startsWith('ERR_SSL') || c.startsWith('ERR_TLS'))) {
    return new TransportError('TRANSPORT_TLS_FAILED', `TLS with ${origin} failed (${codes.join(', ')}).`, context, {
      cause: error,
      connectionLevel: true,
    });
  }
  return new TransportError(
    'TRANSPORT_REQUEST_FAILED',
    `The request to ${origin} failed (${codes[0] ?? 'no code'}).`,
    context,
    {
      cause: error,
      connectionLevel: codes.length > 0,
    },
  );
}

function refusedByPeer(
  origin: string,
  context: TransportErrorContext,
  error: unknown,
  identity: PresentedIdentity | undefined,
  now: Date,
  alert?: string,
): ClientCertificateRefusedError {
  const how = alert
    ? `refused the TLS handshake (${alert})`
    : 'closed the connection during or right after the TLS handshake';
  if (identity === null) {
    return new ClientCertificateRefusedError(
      `${origin} ${how}: no client certificate was presented. Set CONNECTPAY_<ENV>_CLIENT_CERT_FILE and _CLIENT_KEY_FILE.`,
      'missing',
      context,
      error,
    );
  }
  if (identity && identity.notAfter.getTime() <= now.getTime()) {
    return new ClientCertificateRefusedError(
      `${origin} ${how}: the client certificate expired on ${identity.notAfter.toISOString()}. Renew it, check it with \`cert-check verify\`, and send the new chain to ConnectPay.`,
      'expired',
      context,
      error,
    );
  }
  if (identity && identity.notBefore.getTime() > now.getTime()) {
    return new ClientCertificateRefusedError(
      `${origin} ${how}: the client certificate is not valid before ${identity.notBefore.toISOString()} (check the clock).`,
      'expired',
      context,
      error,
    );
  }
  return new ClientCertificateRefusedError(
    `${origin} ${how}: the client certificate was not accepted. Most often the chain is not registered with ConnectPay ` +
      '(send it with `cert-check bundle`), was issued by a CA it does not trust, or is revoked. Check it with `cert-check verify`.',
    'unknown',
    context,
    error,
  );
}
