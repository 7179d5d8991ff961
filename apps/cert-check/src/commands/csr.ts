import { existsSync, writeFileSync } from 'node:fs';
import { createCsr, type CsrKeyType } from '@connectpay-kit/certs';
import { WriteFailedError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { writeFileAtomic } from '../files.js';
import { safeLine } from '../format/sanitize.js';
import type { CommandContext } from './context.js';

export interface CsrFlags {
  readonly subject: string;
  readonly keyType: CsrKeyType;
  readonly keyOut: string;
  readonly out: string;
  readonly dns?: readonly string[];
  readonly serverAuth?: boolean;
  readonly psd2?: boolean;
}

/** What a PSD2 TPP asks its QTSP for: the QTSP adds these itself, a CSR cannot carry them. */
const PSD2_ORDER = [
  'a QWAC (qualified website authentication certificate, eIDAS) that includes clientAuth in its EKU',
  'QcStatements: QcCompliance, QcType web, and the PSD2 statement with your roles (PSP_AS, PSP_PI, PSP_AI, PSP_IC as authorised)',
  'your national competent authority (NCA) name and id, and organizationIdentifier "PSD<country>-<NCA>-<authorisation number>" in the subject',
];

/**
 * Writes a new private key (mode 0600, never over an existing file) and a CSR, checks the CSR, and says
 * what to order. The key's content is never printed.
 */
export async function runCsr(flags: CsrFlags, context: CommandContext): Promise<ExitCode> {
  if (existsSync(flags.keyOut))
    throw new WriteFailedError(flags.keyOut, 'it already exists; a key is never overwritten: choose another --key-out');
  const result = await createCsr({
    subject: flags.subject,
    keyType: flags.keyType,
    ...(flags.dns && flags.dns.length > 0 ? { dnsNames: flags.dns } : {}),
    ...(flags.serverAuth ? { serverAuth: true } : {}),
  });
  try {
    writeFileSync(flags.keyOut, result.privateKeyPem, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    throw new WriteFailedError(flags.keyOut, (error as { code?: string }).code ?? 'write failed', { cause: error });
  }
  writeFileAtomic(flags.out, result.csrPem);

  const { bold, green, red } = context.colours;
  const check = result.check;
  context.out(`wrote ${flags.keyOut} (private key, mode 0600: keep it on the servers that call ConnectPay)\n`);
  context.out(`wrote ${flags.out} (certificate signing request)\n`);
  context.out(`  subject:  ${safeLine(check.subject)}\n`);
  context.out(`  key:      ${check.key}\n`);
  context.out(
    `  requests: key usage ${check.keyUsage.join(', ')}; extended key usage ${check.extendedKeyUsage.join(', ')}\n`,
  );
  if (check.dnsNames.length > 0) context.out(`  DNS:      ${check.dnsNames.map(safeLine).join(', ')}\n`);
  if (!check.ok) {
    for (const problem of check.problems) context.err(`${red(bold('problem'))}: the CSR ${problem}\n`);
    return ExitCode.findings;
  }
  context.out(
    `${green(bold('CSR checked'))}: signature, key size and requested extensions are what ConnectPay needs\n`,
  );
  context.out('\nNext:\n');
  if (flags.psd2) {
    context.out(`  1. send ${flags.out} to your QTSP and order:\n`);
    for (const item of PSD2_ORDER) context.out(`       - ${item}\n`);
  } else {
    context.out(
      `  1. send ${flags.out} to your CA and order a client-authentication (mTLS) certificate with clientAuth in its EKU\n` +
        "     (not an SSL certificate: those are serverAuth only since 2026); ask ConnectPay first whether they accept the CA's root\n",
    );
  }
  context.out(
    '  2. when the CA answers: cert-check fix CERT.pem -o chain.pem --intermediates CA-BUNDLE.pem\n' +
      `  3. cert-check verify chain.pem --key ${flags.keyOut}${flags.psd2 ? ' --psd2' : ''}, then cert-check bundle chain.pem -o chain.zip and email the .zip\n`,
  );
  return ExitCode.ok;
}
