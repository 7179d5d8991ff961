import type { CertificateDetails, Finding, Report, Severity } from '@connectpay-kit/certs';
import type { Palette } from './colour.js';
import { safeLine } from './sanitize.js';

const RULE_WIDTH = 22; // the longest rule id, validity.not-yet-valid

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function countsText(report: Report): string {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const finding of report.findings) counts[finding.severity]++;
  return [plural(counts.error, 'error'), plural(counts.warning, 'warning'), `${counts.info} info`].join(', ');
}

function severityLabel(severity: Severity, colours: Palette): string {
  const padded = severity.padEnd(7);
  if (severity === 'error') return colours.red(colours.bold(padded));
  if (severity === 'warning') return colours.yellow(padded);
  return colours.blue(padded);
}

/** One line per finding: severity, rule id, what is wrong, and what to do about it. */
export function findingLine(finding: Finding, colours: Palette): string {
  const hint = finding.hint === undefined ? '' : ` ${colours.dim('— fix:')} ${safeLine(finding.hint)}`;
  return `  ${severityLabel(finding.severity, colours)} ${finding.rule.padEnd(RULE_WIDTH)} ${safeLine(finding.message)}${hint}\n`;
}

/** A file's verdict line, then its findings, errors first. */
export function reportText(file: string, report: Report, colours: Palette): string {
  const certificates = report.certificates.length;
  const verdict =
    certificates === 0
      ? colours.red(colours.bold('NOT CHECKED'))
      : report.ok
        ? colours.green(colours.bold('OK'))
        : colours.red(colours.bold('FAIL'));
  const detail =
    certificates === 0
      ? 'no certificate could be read'
      : `${plural(certificates, 'certificate')}; ${countsText(report)}`;
  const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  const findings = [...report.findings].sort((a, b) => order[a.severity] - order[b.severity]);
  return `${colours.bold(safeLine(file))}: ${verdict} (${detail})\n${findings.map((f) => findingLine(f, colours)).join('')}`;
}

export function fileErrorText(message: string, colours: Palette): string {
  return `${colours.red(colours.bold('cert-check:'))} ${safeLine(message)}\n`;
}

function daysText(notAfter: string, at: Date): string {
  const days = Math.floor((new Date(notAfter).getTime() - at.getTime()) / 86_400_000);
  if (days < 0) return `expired ${plural(-days, 'day')} ago`;
  return `${plural(days, 'day')} left`;
}

function keyText(key: CertificateDetails['key']): string {
  if (key.algorithm === 'EC') return `EC ${key.curve ?? 'unknown curve'}`;
  if (key.bits !== undefined) return `${key.algorithm} ${key.bits} bits`;
  return key.algorithm;
}

function sansText(sans: CertificateDetails['subjectAltNames']): string {
  const all = [
    ...sans.dns.map((v) => `DNS:${v}`),
    ...sans.ip.map((v) => `IP:${v}`),
    ...sans.email.map((v) => `email:${v}`),
    ...sans.uri.map((v) => `URI:${v}`),
    ...sans.directoryNames.map((v) => `DirName:${v}`),
  ];
  return all.length === 0 ? '(none)' : all.join(', ');
}

const LEVEL_NAMES: Record<string, string> = {
  '2.23.140.1.2.1': 'DV',
  '2.23.140.1.2.2': 'OV',
  '2.23.140.1.2.3': 'IV',
  '2.23.140.1.1': 'EV',
};

function qcText(qc: NonNullable<CertificateDetails['qcStatements']>): string[] {
  const lines = [
    `${qc.compliance ? 'QcCompliance (EU qualified)' : 'no QcCompliance'}; QcType ${qc.types.length === 0 ? '(none)' : qc.types.join(', ')}`,
  ];
  if (qc.psd2 === undefined) {
    lines.push('PSD2: no PSD2 QcStatement');
  } else if ('error' in qc.psd2) {
    lines.push(`PSD2: statement present but unreadable (${qc.psd2.error})`);
  } else {
    const roles =
      qc.psd2.roles.length === 0 ? '(none)' : qc.psd2.roles.map((role) => `${role.name} (${role.oid})`).join(', ');
    lines.push(`PSD2 roles: ${roles}`, `PSD2 NCA: ${qc.psd2.ncaName || '(missing)'} / ${qc.psd2.ncaId || '(missing)'}`);
  }
  return lines;
}

/** The fields a person checks by eye, per certificate, in file order; like `openssl x509 -text` but readable. */
export function inspectText(file: string, details: readonly CertificateDetails[], at: Date, colours: Palette): string {
  const out: string[] = [];
  for (const d of details) {
    const role = d.selfSigned
      ? d.isCA
        ? 'root'
        : 'self-signed end-entity'
      : d.isCA
        ? 'intermediate CA'
        : 'end-entity';
    out.push(`${colours.bold(`${safeLine(file)} #${d.index} (${d.index + 1} of ${details.length}): ${role}`)}\n`);
    const field = (name: string, value: string): void => {
      out.push(`  ${(name === '' ? '' : `${name}:`).padEnd(21)} ${safeLine(value)}\n`);
    };
    field('Subject', d.subject);
    field('Issuer', d.issuer);
    field('Serial', d.serialNumber);
    field('Valid', `${d.notBefore} to ${d.notAfter} (${daysText(d.notAfter, at)})`);
    field('SANs', sansText(d.subjectAltNames));
    field('Key', `${keyText(d.key)}; SPKI SHA-256 ${d.key.spkiSha256}`);
    field('Signature', `${d.signatureAlgorithm} (${d.signatureHash})`);
    field('CA', d.isCA ? `yes${d.pathLength === undefined ? '' : `, path length ${d.pathLength}`}` : 'no');
    field('Self-signed', d.selfSigned ? 'yes' : 'no');
    field('Key usage', d.keyUsage === undefined ? '(extension absent)' : d.keyUsage.join(', '));
    field(
      'Extended key usage',
      d.extendedKeyUsage === undefined ? '(extension absent: any purpose)' : d.extendedKeyUsage.join(', '),
    );
    field(
      'Policies',
      d.policies.length === 0
        ? '(none)'
        : d.policies.map((oid) => (LEVEL_NAMES[oid] ? `${oid} (${LEVEL_NAMES[oid]})` : oid)).join(', '),
    );
    if (d.validationLevel) field('Validation level', d.validationLevel);
    if (d.qcStatements) qcText(d.qcStatements).forEach((line, i) => field(i === 0 ? 'QcStatements' : '', line));
    else field('QcStatements', '(none)');
    if (d.letsEncrypt) field("Let's Encrypt", d.letsEncrypt);
    if (d.subjectKeyIdentifier) field('Subject key id', d.subjectKeyIdentifier);
    if (d.authorityKeyIdentifier) field('Authority key id', d.authorityKeyIdentifier);
    if (d.crlDistributionPoints.length > 0) field('CRL', d.crlDistributionPoints.join(', '));
    if (d.ocspUrls.length > 0) field('OCSP', d.ocspUrls.join(', '));
    if (d.caIssuersUrls.length > 0) field('CA issuers', d.caIssuersUrls.join(', '));
    field('SHA-1', d.fingerprints.sha1);
    field('SHA-256', d.fingerprints.sha256);
    out.push('\n');
  }
  return out.join('');
}
