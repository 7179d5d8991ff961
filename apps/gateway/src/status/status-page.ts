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
${certificateSection(readiness, data.now)}
${rotationSection(readiness.rotation)}
${tokenSection(data.token)}
${errorsSection(data.recentErrors)}
${data.warnings.length > 0 ? `<h2>Configuration warnings</h2><ul>${data.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>` : ''}`,
    `.env{background:#e3ecfb;color:#1d4189;text-transform:uppercase}
.timeline{position:relative;height:.9rem;background:#e9edf2;border-radius:.45rem;overflow:hidden;min-width:12rem}
.timeline .used{position:absolute;left:0;top:0;bottom:0;background:#9db3cc}
.timeline.warn .used{background:#e0b152}.timeline.bad .used{background:#d66}
.timeline .now{position:absolute;top:-2px;bottom:-2px;width:2px;background:#1c2430}`,
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

function certificateSection(readiness: Readiness, now: Date): string {
  const certificate = readiness.certificate;
  if (!certificate.configured)
    return '<h2>Client certificate</h2><p>No client certificate is configured: mTLS APIs cannot be called.</p>';
  const rows = certificate.certificates
    .map((entry, index) => {
      const from = Date.parse(entry.notBefore);
      const to = Date.parse(entry.notAfter);
      const used = Math.min(1, Math.max(0, (now.getTime() - from) / Math.max(1, to - from)));
      const level = entry.daysLeft < 30 ? 'bad' : entry.daysLeft < 60 ? 'warn' : 'ok';
      const role = index === 0 ? 'leaf' : entry.isCA && entry.subject === entry.issuer ? 'root' : 'intermediate';
      return `<tr class="certificate">
<td>${role}</td><td>${escapeHtml(entry.subject)}</td>
<td>${day(from)} → ${day(to)}</td>
<td><div class="timeline ${level}" title="${Math.round(used * 100)}% of its validity used"><div class="used" style="width:${(used * 100).toFixed(1)}%"></div><div class="now" style="left:${(used * 100).toFixed(1)}%"></div></div></td>
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
        `<li><span class="badge ${f.level}">${escapeHtml(f.rule)}</span> ${escapeHtml(f.message)}${f.hint ? ` <span class="muted">${escapeHtml(f.hint)}</span>` : ''}</li>`,
    )
    .join('');
  return `<h2>Client certificate chain</h2>
<p>Leaf fingerprint <code>${escapeHtml(certificate.leafFingerprint ?? '')}</code>. The chain expires in
<strong id="days-to-expiry">${escapeHtml(certificate.daysToExpiry ?? '?')} days</strong>
${certificate.ok ? '<span class="badge ok">passes the provider\'s rules</span>' : '<span class="badge bad">fails the provider\'s rules</span>'}</p>
<table><thead><tr><th>Role</th><th>Subject</th><th>Valid</th><th>Expiry timeline</th><th>Left</th></tr></thead><tbody>${rows}</tbody></table>
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
