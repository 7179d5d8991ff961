import type { ChildProcess } from 'node:child_process';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { InvalidOptionError } from './errors.js';
import { scanPem } from './input/pem.js';

// node:tls and node:child_process load only when a probe runs: `verify` must not pay for them at start-up.
// "Does ConnectPay's host accept this chain?" answered by a real TLS handshake and nothing else: no API
// request is sent. The verdict is told in the provider's terms (the TLS alert, and the rule it points to).

export interface ProbeOptions {
  /** https://host[:port] of the environment's mTLS host. */
  readonly url: string;
  /** The client chain PEM (leaf first) and its private key; without them only the server side is probed. */
  readonly certificateChainPem?: string;
  readonly privateKeyPem?: string;
  /** Extra roots to trust for the server's certificate (local: the dev PKI's ca.pem). */
  readonly caPem?: string;
  /** Bound on each connection, handshake and the wait for a refusal after it. Default 5000 ms. */
  readonly timeoutMs?: number;
  /** TLS 1.3 without session tickets: how long an accepted handshake is watched for a late refusal. Default 2000 ms. */
  readonly settleMs?: number;
  /** Ask `openssl s_client` (when installed) for the CA names the server accepts. Default true. */
  readonly askOpenSslForCaNames?: boolean;
}

export interface ProbeCertificate {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notAfter: string;
  readonly sha256: string;
}

export type ProbeVerdict = 'accepted' | 'refused' | 'not-requested' | 'server-untrusted' | 'unreachable';

export interface ProbeReport {
  readonly url: string;
  readonly verdict: ProbeVerdict;
  /** The server's certificate first, then the chain it sent. */
  readonly server: {
    readonly chain: readonly ProbeCertificate[];
    readonly trusted: boolean;
    readonly trustError?: string;
  };
  readonly protocol?: string;
  /** Whether the server asks for a client certificate: from a handshake without one, and openssl when present. */
  readonly clientCertificateRequested: boolean | undefined;
  /** The CA names the server said it accepts (openssl s_client), when known. */
  readonly acceptableCaNames?: readonly string[];
  readonly presented?: { readonly subject: string; readonly serialNumber: string; readonly notAfter: string };
  /** The TLS alert the server answered with, e.g. "unknown_ca". */
  readonly alert?: string;
  /**
   * When the server closed without an alert (a Node server does), the alert an OpenSSL server would have
   * sent, read from the chain itself against the CA names the server accepts.
   */
  readonly inferredAlert?: string;
  /** The likely cause, with the cert-check rule it maps to. */
  readonly cause: { readonly rule?: string; readonly explanation: string; readonly action: string };
}

const ALERT_CAUSES: Record<string, { rule?: string; explanation: string; action: string }> = {
  unknown_ca: {
    rule: 'ca.public-trust',
    explanation: 'the server does not know the CA that issued your certificate',
    action:
      'the chain is not attached to your DevApp yet, or its root is not the one you sent: email the bundle (cert-check bundle) and wait for "attached", or check the root with cert-check verify',
  },
  certificate_expired: {
    rule: 'validity.expired',
    explanation: 'the server says a certificate of your chain has expired',
    action: 'renew the certificate, send the new chain, and switch to it once ConnectPay attached it',
  },
  certificate_revoked: {
    rule: 'revocation.revoked',
    explanation: 'the server says a certificate of your chain is revoked',
    action: 'order a new certificate (with a new key if it was compromised) and send the new chain',
  },
  unsupported_certificate: {
    rule: 'eku.client-auth',
    explanation: 'the server cannot use your certificate for TLS client authentication',
    action:
      'its extended key usage must list clientAuth (and its key usage digitalSignature): order a client-authentication certificate',
  },
  bad_certificate: {
    rule: 'chain.signature',
    explanation:
      'the server could not verify your certificate (a broken signature in the chain, or a malformed certificate)',
    action: 'run cert-check verify on the chain file and fix what it reports',
  },
  access_denied: {
    explanation: 'the server knows the CA but refuses this certificate',
    action:
      'ConnectPay checks that the serial number and common name equal those of the certificate attached to the DevApp: attach this one, or switch back to the attached one',
  },
  decrypt_error: {
    rule: 'key.mismatch',
    explanation: 'the handshake signature did not verify',
    action:
      'the private key does not belong to the certificate: configure the key made with the CSR for this certificate',
  },
  certificate_required: {
    explanation: 'the server requires a client certificate and none was sent',
    action: 'configure CONNECTPAY_<ENV>_CLIENT_CERT_FILE and _CLIENT_KEY_FILE (or --cert and --key)',
  },
  handshake_failure: {
    explanation:
      'the server ended the handshake (often: a client certificate is required, or none of it was acceptable)',
    action: 'run cert-check verify on the chain; if it passes, ask ConnectPay whether the chain is attached',
  },
};

/**
 * The report as labelled facts, in the order a person reads them: what the CLI prints and the gateway's
 * status page shows, so both say the same. Labels start lower case; a table capitalises them.
 */
export function probeFacts(report: ProbeReport): [label: string, value: string][] {
  const facts: [string, string][] = [];
  if (report.server.chain.length > 0) {
    const trust = report.server.trusted ? 'trusted' : `NOT trusted: ${report.server.trustError ?? 'unknown reason'}`;
    facts.push([
      'server',
      `${report.server.chain.map((c) => `${c.subject} (until ${c.notAfter.slice(0, 10)})`).join(' ← ')}; ${trust}${report.protocol ? `, ${report.protocol}` : ''}`,
    ]);
  }
  const asked = report.clientCertificateRequested;
  facts.push(['asks for a client certificate', asked === undefined ? 'unknown' : asked ? 'yes' : 'no']);
  if (report.acceptableCaNames)
    facts.push(['CA names it accepts', report.acceptableCaNames.join('; ') || '(none sent)']);
  facts.push([
    'presented',
    report.presented
      ? `${report.presented.subject}, serial ${report.presented.serialNumber}, until ${report.presented.notAfter.slice(0, 10)}`
      : 'no client certificate (none configured)',
  ]);
  if (report.alert) facts.push(['TLS alert', report.alert]);
  if (report.inferredAlert)
    facts.push(['TLS alert', `none sent; an OpenSSL server would send ${report.inferredAlert}`]);
  facts.push(['cause', `${report.cause.explanation}${report.cause.rule ? ` (${report.cause.rule})` : ''}`]);
  facts.push(['next', report.cause.action]);
  return facts;
}

/** Makes the handshakes and reports what happened; never throws for what the server does. */
export async function probeHandshake(options: ProbeOptions): Promise<ProbeReport> {
  const target = parseTarget(options.url);
  const timeoutMs = options.timeoutMs ?? 5000;
  const settleMs = options.settleMs ?? 2000;
  if ((options.certificateChainPem === undefined) !== (options.privateKeyPem === undefined))
    throw new InvalidOptionError('probe', 'give both the certificate chain and its private key, or neither.');
  const presentedChain = options.certificateChainPem ? chainCertificates(options.certificateChainPem) : [];
  const presented = options.certificateChainPem
    ? presentedCertificate(presentedChain, options.privateKeyPem as string)
    : undefined;

  const bare = await handshake(target, { ...(options.caPem ? { ca: options.caPem } : {}) }, timeoutMs, settleMs);
  if (bare.kind === 'unreachable') {
    return {
      url: options.url,
      verdict: 'unreachable',
      server: { chain: [], trusted: false },
      clientCertificateRequested: undefined,
      cause: {
        explanation: `no TLS connection to ${target.host}:${target.port} (${bare.reason})`,
        action: 'check the URL, DNS and the firewall',
      },
    };
  }
  const server = {
    chain: bare.chain,
    trusted: bare.trusted,
    ...(bare.trustError ? { trustError: bare.trustError } : {}),
  };
  const caNames = options.askOpenSslForCaNames === false ? undefined : await askOpenSsl(target, timeoutMs);
  const requestedWithoutCert =
    bare.kind === 'refused' && (bare.alert === 'certificate_required' || bare.alert === 'handshake_failure');
  const clientCertificateRequested = caNames?.requested ?? (requestedWithoutCert ? true : undefined);
  const common = {
    url: options.url,
    server,
    ...(bare.protocol ? { protocol: bare.protocol } : {}),
    clientCertificateRequested,
    ...(caNames?.names ? { acceptableCaNames: caNames.names } : {}),
    ...(presented ? { presented: presented.summary } : {}),
  };
  if (!bare.trusted) {
    return {
      ...common,
      verdict: 'server-untrusted',
      cause: {
        explanation: `the server's certificate is not trusted (${bare.trustError ?? 'unknown reason'}): this may not be ConnectPay's host`,
        action: 'check the URL; in local, trust the dev PKI (CONNECTPAY_LOCAL_CA_FILE or --ca .dev-pki/ca.pem)',
      },
    };
  }
  if (!presented) {
    return {
      ...common,
      verdict: requestedWithoutCert ? 'refused' : 'not-requested',
      ...(bare.kind === 'refused' && bare.alert ? { alert: bare.alert } : {}),
      cause: requestedWithoutCert
        ? (ALERT_CAUSES.certificate_required as ProbeReport['cause'])
        : {
            explanation: 'the handshake succeeded without a client certificate',
            action: 'this is not an mTLS host: check the URL (the mTLS hosts are api-stage / api)',
          },
    };
  }
  const withCert = await handshake(
    target,
    {
      ...(options.caPem ? { ca: options.caPem } : {}),
      cert: options.certificateChainPem as string,
      key: options.privateKeyPem as string,
    },
    timeoutMs,
    settleMs,
  );
  if (withCert.kind === 'accepted') {
    return {
      ...common,
      verdict: 'accepted',
      cause: {
        explanation: 'the server accepted the chain in the handshake',
        action: 'nothing: the chain is attached and valid (no API request was sent)',
      },
    };
  }
  if (withCert.kind === 'unreachable') {
    return {
      ...common,
      verdict: 'unreachable',
      cause: { explanation: `the second connection failed (${withCert.reason})`, action: 'try again' },
    };
  }
  const inferred = withCert.alert ? undefined : inferRefusal(presentedChain, caNames?.names, new Date());
  if (inferred) {
    const known = ALERT_CAUSES[inferred] as ProbeReport['cause'];
    return {
      ...common,
      verdict: 'refused',
      inferredAlert: inferred,
      cause: {
        ...known,
        explanation: `the server closed the connection without a TLS alert; by the chain itself: ${known.explanation}`,
      },
    };
  }
  const cause = (withCert.alert ? ALERT_CAUSES[withCert.alert] : undefined) ?? {
    explanation: withCert.alert
      ? `the server answered with the TLS alert ${withCert.alert}`
      : 'the server closed the connection right after the handshake, without an alert',
    action:
      'run cert-check verify on the chain; if it passes, ask ConnectPay whether this chain is attached to your DevApp',
  };
  return { ...common, verdict: 'refused', ...(withCert.alert ? { alert: withCert.alert } : {}), cause };
}

interface Target {
  readonly host: string;
  readonly port: number;
  readonly servername?: string;
}

function parseTarget(url: string): Target {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidOptionError('url', `"${url}" is not a URL; give https://host[:port].`);
  }
  if (parsed.protocol !== 'https:') throw new InvalidOptionError('url', `"${url}" is not https.`);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const isIp = /^[\d.]+$/.test(host) || host.includes(':');
  return { host, port: parsed.port ? Number(parsed.port) : 443, ...(isIp ? {} : { servername: host }) };
}

type Handshake =
  | { kind: 'accepted'; chain: ProbeCertificate[]; trusted: boolean; trustError?: string; protocol?: string }
  | {
      kind: 'refused';
      chain: ProbeCertificate[];
      trusted: boolean;
      trustError?: string;
      protocol?: string;
      alert?: string;
    }
  | { kind: 'unreachable'; reason: string };

async function handshake(
  target: Target,
  credentials: { ca?: string; cert?: string; key?: string },
  timeoutMs: number,
  settleMs: number,
): Promise<Handshake> {
  const { connect } = await import('node:tls');
  return new Promise((resolve) => {
    let socket: TLSSocket | undefined;
    let chain: ProbeCertificate[] = [];
    let trusted = false;
    let trustError: string | undefined;
    let protocol: string | undefined;
    let secured = false;
    let done = false;
    let settle: NodeJS.Timeout | undefined;
    const finish = (result: Handshake): void => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      clearTimeout(settle);
      socket?.destroy();
      resolve(result);
    };
    const refused = (alert?: string): Handshake => ({
      kind: 'refused',
      chain,
      trusted,
      ...(trustError ? { trustError } : {}),
      ...(protocol ? { protocol } : {}),
      ...(alert ? { alert } : {}),
    });
    const deadline = setTimeout(
      () =>
        finish(
          secured
            ? {
                kind: 'accepted',
                chain,
                trusted,
                ...(trustError ? { trustError } : {}),
                ...(protocol ? { protocol } : {}),
              }
            : { kind: 'unreachable', reason: `no handshake within ${timeoutMs} ms` },
        ),
      timeoutMs,
    );
    try {
      socket = connect({
        host: target.host,
        port: target.port,
        ...(target.servername ? { servername: target.servername } : {}),
        ...(credentials.ca ? { ca: [credentials.ca] } : {}),
        ...(credentials.cert ? { cert: credentials.cert, key: credentials.key } : {}),
        // The server's trust is judged and reported below, not enforced: a probe must see the refusal.
        rejectUnauthorized: false,
      });
    } catch (error) {
      finish({ kind: 'unreachable', reason: messageOfError(error) });
      return;
    }
    socket.on('secureConnect', () => {
      const tls = socket as TLSSocket;
      secured = true;
      chain = peerChain(tls.getPeerCertificate(true));
      trusted = tls.authorized;
      trustError = tls.authorizationError ? String(tls.authorizationError) : undefined;
      protocol = tls.getProtocol() ?? undefined;
      const accepted = (): void =>
        finish({
          kind: 'accepted',
          chain,
          trusted,
          ...(trustError ? { trustError } : {}),
          ...(protocol ? { protocol } : {}),
        });
      // TLS 1.2: the server checked the client certificate before its Finished: the handshake is the answer.
      if (protocol !== 'TLSv1.3') {
        accepted();
        return;
      }
      // TLS 1.3: the server judges the client certificate after the client's Finished, then sends either a
      // session ticket (accepted) or an alert (refused). A server that sends no tickets is given settleMs.
      tls.once('session', accepted);
      settle = setTimeout(accepted, settleMs);
    });
    socket.on('error', (error: Error & { code?: string }) => {
      const alert = alertName(error);
      if (alert || secured) finish(refused(alert));
      else finish({ kind: 'unreachable', reason: error.code ?? error.message });
    });
    socket.on('close', () => {
      if (secured) finish(refused());
    });
  });
}

/** "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA" → "unknown_ca"; the alert a TLS peer sent, when the error is one. */
function alertName(error: Error & { code?: string }): string | undefined {
  const match = /_ALERT_([A-Z_]+)$/.exec(error.code ?? '');
  if (match) return (match[1] as string).toLowerCase();
  const text = /(?:tlsv1|tlsv13|sslv3) alert ([a-z ]+)/i.exec(error.message);
  return text ? (text[1] as string).trim().replace(/ /g, '_').toLowerCase() : undefined;
}

function peerChain(leaf: PeerCertificate & { issuerCertificate?: PeerCertificate }): ProbeCertificate[] {
  const chain: ProbeCertificate[] = [];
  const seen = new Set<string>();
  let current: (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined = leaf;
  while (current && current.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    const x509 = new X509Certificate(current.raw);
    chain.push({
      subject: x509.subject.replace(/\n/g, ', '),
      issuer: x509.issuer.replace(/\n/g, ', '),
      serialNumber: x509.serialNumber,
      notAfter: new Date(x509.validTo).toISOString(),
      sha256: x509.fingerprint256.replace(/:/g, '').toLowerCase(),
    });
    current = current.issuerCertificate;
  }
  return chain;
}

/** The chain file's certificates, in order, read with the package's own PEM reader. */
function chainCertificates(chainPem: string): X509Certificate[] {
  return scanPem(chainPem)
    .blocks.filter((block) => block.label === 'CERTIFICATE')
    .map((block) => new X509Certificate(Buffer.from(block.body, 'base64')));
}

function presentedCertificate(
  chain: readonly X509Certificate[],
  keyPem: string,
): { summary: NonNullable<ProbeReport['presented']> } {
  const leaf = chain[0];
  if (!leaf) throw new InvalidOptionError('cert', 'the certificate file holds no PEM certificate.');
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw new InvalidOptionError('key', 'the private key cannot be read (give an unencrypted PEM key).');
  }
  // A key that does not belong to the certificate fails locally, before any connection.
  if (!leaf.checkPrivateKey(key) || !createPublicKey(key).equals(leaf.publicKey))
    throw new InvalidOptionError(
      'key',
      'the private key does not belong to the first certificate of the chain (key.mismatch).',
    );
  return {
    summary: {
      subject: leaf.subject.replace(/\n/g, ', '),
      serialNumber: leaf.serialNumber,
      notAfter: new Date(leaf.validTo).toISOString(),
    },
  };
}

/**
 * The CA names from the server's CertificateRequest, which Node does not expose: `openssl s_client`
 * prints them. Asynchronous, so a service that probes never blocks its event loop on it.
 */
async function askOpenSsl(
  target: Target,
  timeoutMs: number,
): Promise<{ requested: boolean; names?: string[] } | undefined> {
  const { spawn } = await import('node:child_process');
  const args = [
    's_client',
    '-connect',
    `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`,
  ];
  if (target.servername) args.push('-servername', target.servername);
  return new Promise((resolve) => {
    let output = '';
    let child: ChildProcess;
    try {
      child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'ignore'] });
    } catch {
      resolve(undefined);
      return;
    }
    const timer = setTimeout(() => child.kill(), timeoutMs);
    child.on('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      if (output.length < 256 * 1024) output += chunk.toString('utf8');
    });
    child.on('close', () => {
      clearTimeout(timer);
      resolve(parseCaNames(output));
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end();
  });
}

function parseCaNames(output: string): { requested: boolean; names?: string[] } | undefined {
  if (output.includes('No client certificate CA names sent')) return { requested: true, names: [] };
  const start = output.indexOf('Acceptable client certificate CA names');
  if (start < 0) return output.includes('SSL handshake has read') ? { requested: false } : undefined;
  const names: string[] = [];
  for (const line of output.slice(start).split('\n').slice(1)) {
    if (!line.trim() || /^(Requested|Client Certificate Types|Shared|Peer|Server Temp|---)/.test(line.trim())) break;
    names.push(line.trim());
  }
  return { requested: true, names };
}

/**
 * The alert an OpenSSL server would send for this chain, in the order it checks: the issuer is not among
 * the CA names the server accepts (unknown_ca), the leaf is not for client authentication
 * (unsupported_certificate), a certificate is outside its validity (certificate_expired).
 */
function inferRefusal(
  certificates: readonly X509Certificate[],
  acceptableCaNames: readonly string[] | undefined,
  now: Date,
): string | undefined {
  const leaf = certificates[0];
  if (!leaf) return undefined;
  if (acceptableCaNames && acceptableCaNames.length > 0) {
    const accepted = new Set(acceptableCaNames.map(nameKey));
    const names = certificates.flatMap((certificate) => [certificate.subject, certificate.issuer]).map(nameKey);
    if (!names.some((name) => accepted.has(name))) return 'unknown_ca';
  }
  const eku = leaf.keyUsage;
  if (eku && !eku.includes('1.3.6.1.5.5.7.3.2') && !eku.includes('2.5.29.37.0')) return 'unsupported_certificate';
  const outside = certificates.some(
    (certificate) =>
      new Date(certificate.validTo).getTime() < now.getTime() ||
      new Date(certificate.validFrom).getTime() > now.getTime(),
  );
  return outside ? 'certificate_expired' : undefined;
}

/** "C = LT, O = Acme, CN = X" (openssl) and "C=LT\nO=Acme\nCN=X" (Node) compare equal. */
function nameKey(name: string): string {
  return name
    .split(/\n|,\s*(?=[A-Za-z.0-9]+\s*=)/)
    .map((part) =>
      part
        .replace(/\s*=\s*/, '=')
        .trim()
        .toLowerCase(),
    )
    .filter(Boolean)
    .sort()
    .join('/');
}

function messageOfError(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
