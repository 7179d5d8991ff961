import { probeFacts, type ProbeReport } from '@connectpay-kit/certs';
import type { RotationStatus, TokenStatus } from '@connectpay-kit/transport';
import type { Readiness } from '../health/readiness.service.js';
import { escapeHtml, htmlPage } from '../http/html.js';
import type { RecentUpstreamError } from '../observability/recent-errors.js';

export interface StatusPageData {
  readonly environment: string;
  readonly baseUrls: Readonly<Record<string, string>>;
  readonly startedAt: Date;
  readonly now: Date;
  readonly readiness: Readiness;
  readonly token: TokenStatus | { readonly state: 'unavailable'; readonly reason: string };
  readonly recentErrors: readonly RecentUpstreamError[];
  readonly warnings: readonly string[];
  /** The handshake-probe button (local and stage), with the last report when the button was pressed. */
  readonly probe?: { readonly report?: ProbeReport } | undefined;
}

const DAY_MS = 86_400_000;

/**
 * The page a person opens when something is off: which environment, is the certificate about to
 * expire, do we hold OAuth tokens, what failed lately. Server-rendered, no script: it reads the
 * same in a terminal browser, a screenshot and a headless DOM dump.
 */
export function renderStatusPage(data: StatusPageData): string {
  const { readiness } = data;
  const ready = readiness.status === 'ready';
  return htmlPage(
    `Gateway status: ${data.environment}`,
    `<header>
<h1>ConnectPay gateway <span class="badge env">${escapeHtml(data.environment)}</span>
<span class="badge ${ready ? 'ok' : 'bad'}" id="readiness">${ready ? 'ready' : 'not ready'}</span></h1>
<p class="muted">Up since ${time(data.startedAt)} · page rendered ${time(data.now)} ·
mTLS host <code>${escapeHtml(data.baseUrls['mtls'] ?? '')}</code> · one-way host <code>${escapeHtml(data.baseUrls['oneway'] ?? '')}</code></p>
</header>
${checksSection(readiness)}
${certificateSection(readiness)}
${timelineSection(readiness, data.now)}
${data.probe ? probeSection(data.probe.report) : ''}
${rotationSection(readiness.rotation)}
${tokenSection(data.token)}
${errorsSection(data.recentErrors)}
${data.warnings.length > 0 ? `<h2>Configuration warnings</h2><ul>${data.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>` : ''}`,
    `.env{background:#e3ecfb;color:#1d4189;text-transform:uppercase}
.axis{position:relative;height:4.6rem;margin:.6rem 0 1.6rem;border-bottom:1px solid #9aa7b6;min-width:24rem}
.axis .window{position:absolute;top:0;bottom:0;background:repeating-linear-gradient(45deg,#fbe7c2,#fbe7c2 6px,#fdf3df 6px,#fdf3df 12px)}
.axis .bar{position:absolute;height:1.2rem;border-radius:.3rem;font-size:.75rem;line-height:1.2rem;padding:0 .4rem;white-space:nowrap;overflow:hidden;color:#fff}
.axis .bar.current{top:.5rem;background:#4b6f9c}.axis .bar.next{top:2.2rem;background:#3f8f5f}.axis .bar.next.pending{background:#b9882f}
.axis .today{position:absolute;top:-.3rem;bottom:-.3rem;width:2px;background:#c0392b}
.axis .label{position:absolute;top:4.8rem;font-size:.75rem;color:#5b6776;transform:translateX(-50%);white-space:nowrap}`,
  );
}

function checksSection(readiness: Readiness): string {
  const rows = Object.entries(readiness.checks)
    .map(
      ([name, check]) =>
        `<tr><td>${escapeHtml(name)}</td><td><span class="badge ${check.ok ? 'ok' : check.gating ? 'bad' : 'warn'}">${check.ok ? 'ok' : 'failing'}</span>${check.gating ? '' : ' <span class="muted">(informational)</span>'}</td><td>${escapeHtml(check.detail)}</td></tr>`,
    )
    .join('\n');
  return `<h2>Readiness</h2><table><thead><tr><th>Check</th><th>State</th><th>Detail</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function certificateSection(readiness: Readiness): string {
  const certificate = readiness.certificate;
  if (!certificate.configured)
    return '<h2>Client certificate</h2><p>No client certificate is configured: mTLS APIs cannot be called.</p>';
  const rows = certificate.certificates
    .map((entry, index) => {
      const from = Date.parse(entry.notBefore);
      const to = Date.parse(entry.notAfter);
      const level = entry.daysLeft < 30 ? 'bad' : entry.daysLeft < 60 ? 'warn' : 'ok';
      const role = index === 0 ? 'leaf' : entry.isCA && entry.subject === entry.issuer ? 'root' : 'intermediate';
      return `<tr class="certificate">
<td>${role}</td><td>${escapeHtml(entry.subject)}</td>
<td>${day(from)} → ${day(to)}</td>
<td><span class="badge ${level}">${entry.daysLeft < 0 ? `expired ${-entry.daysLeft} days ago` : `${entry.daysLeft} days left`}</span></td>
</tr>`;
    })
    .join('\n');
  const findings = [
    ...certificate.errors.map((f) => ({ ...f, level: 'bad' })),
    ...certificate.warnings.map((f) => ({ ...f, level: 'warn' })),
  ]
    .map(
      (f) =>
        `<li><span class="badge ${f.level}">${escapeHtml(f.rule)}</span> ${escapeHtml(f.message)}${serviceHint(f.rule, f.hint) ? ` <span class="muted">${escapeHtml(serviceHint(f.rule, f.hint) ?? '')}</span>` : ''}</li>`,
    )
    .join('');
  return `<h2>Client certificate chain</h2>
<p>Leaf fingerprint <code>${escapeHtml(certificate.leafFingerprint ?? '')}</code>. The chain expires in
<strong id="days-to-expiry">${escapeHtml(certificate.daysToExpiry ?? '?')} days</strong>
${certificate.ok ? '<span class="badge ok">passes the provider\'s rules</span>' : '<span class="badge bad">fails the provider\'s rules</span>'}</p>
<table><thead><tr><th>Role</th><th>Subject</th><th>Valid</th><th>Left</th></tr></thead><tbody>${rows}</tbody></table>
${findings ? `<ul class="findings">${findings}</ul>` : ''}`;
}

/** The staged next certificate and the switch: what an operator checks before and after a renewal. */
function rotationSection(rotation: RotationStatus): string {
  const { next, current } = rotation;
  const level = next.ready ? 'ok' : next.state === 'absent' ? 'warn' : next.state === 'staged' ? 'warn' : 'bad';
  const row = (label: string, value: string | undefined) =>
    value === undefined ? '' : `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
  const rows = [
    row('Current certificate', current ? `${current.subject} · serial ${current.serialNumber}` : 'none'),
    row('Current expires', current ? `${current.notAfter} (${current.daysLeft} days left)` : undefined),
    row(
      'Next certificate',
      next.certificate ? `${next.certificate.subject} · serial ${next.certificate.serialNumber}` : undefined,
    ),
    row(
      'Next expires',
      next.certificate ? `${next.certificate.notAfter} (${next.certificate.daysLeft} days left)` : undefined,
    ),
    row('Next files', next.certFile ? `${next.certFile}, ${next.keyFile ?? ''}` : undefined),
    row('Problems', next.problems.length > 0 ? next.problems.join('; ') : undefined),
    row(
      'Handshake probe',
      next.probe
        ? `${next.probe.verdict}${next.probe.alert ? ` (${next.probe.alert})` : ''}: ${next.probe.explanation}. ${next.probe.action}`
        : undefined,
    ),
    row('Switch scheduled', next.switchAt),
    row(
      'Last switch',
      rotation.lastSwitch
        ? `${rotation.lastSwitch.at} by ${rotation.lastSwitch.trigger}${rotation.lastSwitch.confirmedAt ? `, confirmed ${rotation.lastSwitch.confirmedAt}` : rotation.onProbation ? ', waiting for the first call' : ''}`
        : undefined,
    ),
    row(
      'Last rollback',
      rotation.lastRollback ? `${rotation.lastRollback.at}: ${rotation.lastRollback.reason}` : undefined,
    ),
    row(
      'Last refused switch',
      rotation.lastRefusal
        ? `${rotation.lastRefusal.at} (${rotation.lastRefusal.trigger}): ${rotation.lastRefusal.reason}`
        : undefined,
    ),
  ].join('');
  const hint =
    next.state === 'absent'
      ? 'Stage the renewed certificate as CONNECTPAY_&lt;ENV&gt;_NEXT_CLIENT_CERT_FILE and _NEXT_CLIENT_KEY_FILE (docs/rotating-certificates.md).'
      : next.state === 'staged'
        ? 'Switch at CONNECTPAY_&lt;ENV&gt;_SWITCH_AT, or now with POST /v1/admin/client-certificate/switch.'
        : '';
  return `<h2>Certificate rotation</h2><p><span class="badge ${level}" id="next-certificate-state">${escapeHtml(next.state)}</span> ${hint}</p><table id="rotation">${rows}</table>`;
}

/** The button, and the verdict of the last press: what ConnectPay's TLS server says to our chain. */
function probeSection(report: ProbeReport | undefined): string {
  const button =
    '<form method="post" action="/status/probe"><button type="submit" id="probe-button">Probe the mTLS host</button> <span class="muted">a TLS handshake with the certificate presented now; no API request is sent</span></form>';
  if (!report) return `<h2>Handshake probe</h2>${button}`;
  const level = report.verdict === 'accepted' ? 'ok' : 'bad';
  const rows = [['host', report.url] as const, ...probeFacts(report)]
    .map(
      ([label, value]) =>
        `<tr><th>${escapeHtml(label.charAt(0).toUpperCase() + label.slice(1))}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join('');
  return `<h2>Handshake probe</h2><p><span class="badge ${level}" id="probe-verdict">${escapeHtml(report.verdict)}</span></p><table id="probe-report">${rows}</table>${button}`;
}

/** Days before expiry when renewal must be under way: ordering, ConnectPay attaching it, the switch. */
const RENEWAL_WINDOW_DAYS = 30;

/**
 * The current and the next client certificate on one time axis, with today and the renewal window
 * marked: the question an operator has is "is the next one ready before this one runs out?".
 */
function timelineSection(readiness: Readiness, now: Date): string {
  const leaf = readiness.certificate.configured ? readiness.certificate.certificates[0] : undefined;
  if (!leaf) return '';
  const next = readiness.rotation.next.certificate;
  const current = { from: Date.parse(leaf.notBefore), to: Date.parse(leaf.notAfter) };
  const nextSpan = next ? { from: Date.parse(next.notBefore), to: Date.parse(next.notAfter) } : undefined;
  const start = Math.min(current.from, now.getTime() - 7 * DAY_MS);
  const end = Math.max(current.to, nextSpan?.to ?? 0, now.getTime() + RENEWAL_WINDOW_DAYS * DAY_MS) + 7 * DAY_MS;
  const at = (ms: number): string => `${((100 * (ms - start)) / (end - start)).toFixed(2)}%`;
  const width = (from: number, to: number): string => `${((100 * Math.max(0, to - from)) / (end - start)).toFixed(2)}%`;
  const windowStart = current.to - RENEWAL_WINDOW_DAYS * DAY_MS;
  const nextReady = readiness.rotation.next.ready;
  const inWindow = now.getTime() >= windowStart;
  const summary = !nextSpan
    ? inWindow
      ? 'The current certificate is in its renewal window and no next certificate is staged.'
      : `No next certificate is staged; renewal is due from ${day(windowStart)}.`
    : nextReady
      ? `The next certificate is ready and runs to ${day(nextSpan.to)}.`
      : `A next certificate is staged but not ready (${escapeHtml(readiness.rotation.next.state)}).`;
  return `<h2>Expiry timeline</h2>
<p id="timeline-summary">${summary}</p>
<div class="axis" id="expiry-timeline" role="img" aria-label="current and next client certificate validity, today, and the renewal window">
<div class="window" id="renewal-window" style="left:${at(windowStart)};width:${width(windowStart, current.to)}" title="renewal window: the last ${RENEWAL_WINDOW_DAYS} days"></div>
<div class="bar current" id="timeline-current" style="left:${at(current.from)};width:${width(current.from, current.to)}">current · until ${day(current.to)}</div>
${nextSpan ? `<div class="bar next${nextReady ? '' : ' pending'}" id="timeline-next" style="left:${at(nextSpan.from)};width:${width(nextSpan.from, nextSpan.to)}">next · until ${day(nextSpan.to)}</div>` : ''}
<div class="today" id="timeline-today" style="left:${at(now.getTime())}" title="today"></div>
<span class="label" style="left:${at(now.getTime())}">today ${day(now.getTime())}</span>
<span class="label" style="left:${at(windowStart)}">renewal from ${day(windowStart)}</span>
</div>`;
}

/**
 * The certificate rules speak to someone at a terminal (`--offline`, `--crl`, `--trust`); on this page
 * the reader operates the gateway, so the hint says what to do in its terms.
 */
function serviceHint(rule: string, hint: string | undefined): string | undefined {
  switch (rule) {
    case 'revocation.unknown':
      return 'The gateway checks the chain without network access, so it cannot see revocation; ConnectPay checks it at every handshake. To check it yourself, run cert-check verify on the chain file from a machine with network access.';
    case 'ca.public-trust':
      return "This root is not in the public trust store: ConnectPay accepts it only if they agreed to it. Ask ConnectPay (dev-support@connectpay.com) with the root's subject and SHA-256, or replace the chain file with one under a root they accept.";
    case 'chain.complete':
    case 'chain.root-included':
    case 'chain.order':
      return "Replace the file named by CONNECTPAY_<ENV>_CLIENT_CERT_FILE with the complete chain, leaf first and root last (cert-check fix makes it from your CA's files); the gateway reloads it.";
    default:
      return hint !== undefined && /(^|\s)--[a-z]/.test(hint) ? undefined : hint;
  }
}

function tokenSection(token: StatusPageData['token']): string {
  if (token.state === 'unavailable') {
    return `<h2>OAuth tokens</h2><p><span class="badge warn" id="token-state">unavailable</span> ${escapeHtml(token.reason)}</p>`;
  }
  const level =
    token.state === 'valid'
      ? 'ok'
      : token.state === 'none'
        ? 'warn'
        : token.state === 'access-expired'
          ? 'warn'
          : 'bad';
  const rows = [
    ['Access token expires', token.accessTokenExpiresAt],
    ['Refresh token expires', token.refreshTokenExpiresAt],
    ['Obtained', token.obtainedAt],
    ['Scope', token.scope],
  ]
    .filter(([, value]) => value !== undefined)
    .map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('');
  const hint =
    token.state === 'none'
      ? 'No tokens stored: exchange an auth code with POST /v1/oauth/token.'
      : token.state === 'refresh-expired'
        ? 'The refresh token expired: a person must issue a new auth code.'
        : token.state === 'access-expired'
          ? 'The access token expired; the next Person-data call refreshes it.'
          : 'Tokens are stored encrypted; their values are never shown.';
  return `<h2>OAuth tokens</h2><p><span class="badge ${level}" id="token-state">${escapeHtml(token.state)}</span> ${escapeHtml(hint)}</p>${rows ? `<table>${rows}</table>` : ''}`;
}

function errorsSection(errors: readonly RecentUpstreamError[]): string {
  if (errors.length === 0)
    return '<h2>Recent upstream errors</h2><p class="muted" id="recent-errors">None since the gateway started.</p>';
  const rows = errors
    .map(
      (error) =>
        `<tr><td>${escapeHtml(error.at)}</td><td><code>${escapeHtml(error.api)}</code></td><td><code>${escapeHtml(error.code)}</code>${error.status !== undefined ? ` <span class="muted">HTTP ${error.status}</span>` : ''}${error.cause ? ` <span class="muted">(${escapeHtml(error.cause)})</span>` : ''}</td><td>${escapeHtml(error.message)}</td><td><code>${escapeHtml(error.requestId)}</code></td></tr>`,
    )
    .join('\n');
  return `<h2>Recent upstream errors</h2><table id="recent-errors"><thead><tr><th>When</th><th>API</th><th>Code</th><th>Message</th><th>Request id</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function time(date: Date): string {
  return escapeHtml(
    date
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC'),
  );
}

function day(ms: number): string {
  return Number.isFinite(ms) ? new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10) : '?';
}
