import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AsnConvert } from '@peculiar/asn1-schema';
import { QCStatements } from '@peculiar/asn1-x509-qualified';
import {
  InvalidSpecError,
  PSD2_QC_STATEMENT_OID,
  PSD2_ROLES,
  QC_STATEMENTS_OID,
  psd2Qwac,
  x509,
  type GeneratedCertificate,
} from '../src/index.js';
import { openssl, scratchDir, type Scratch } from './support/tools.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus');

function statements(certificate: x509.X509Certificate): QCStatements | undefined {
  const extension = certificate.getExtension(QC_STATEMENTS_OID);
  return extension ? AsnConvert.parse(extension.value, QCStatements) : undefined;
}

function psd2StatementBytes(certificate: x509.X509Certificate): string {
  const found = statements(certificate)?.find((statement) => statement.statementId === PSD2_QC_STATEMENT_OID);
  return Buffer.from(found?.statementInfo ?? new ArrayBuffer(0)).toString('hex');
}

describe('PSD2 QWACs', () => {
  let scratch: Scratch;

  beforeAll(async () => {
    scratch = await scratchDir();
  });
  afterAll(() => scratch.dispose());

  /** OBJECT and string values of an extension's DER, in order, as openssl asn1parse reads them. */
  async function qcTokens(leaf: GeneratedCertificate): Promise<string[]> {
    const extension = leaf.certificate.getExtension(QC_STATEMENTS_OID);
    if (!extension) return [];
    const file = await scratch.file(`qc-${leaf.serialNumber}.der`, new Uint8Array(extension.value));
    const { stdout } = await openssl(['asn1parse', '-inform', 'DER', '-in', file]);
    return [...stdout.matchAll(/(OBJECT|UTF8STRING)\s+:(.*)$/gm)].map((match) => `${match[1]} ${match[2]?.trim()}`);
  }

  it('default: QcCompliance, QcType web and PSD2 role PSP_AI with NCA, organizationIdentifier in the subject', async () => {
    const { root, intermediates, leaf } = await psd2Qwac();
    expect(await qcTokens(leaf)).toEqual([
      'OBJECT 0.4.0.1862.1.1',
      'OBJECT 0.4.0.1862.1.6',
      'OBJECT 0.4.0.1862.1.6.3',
      'OBJECT 0.4.0.19495.2',
      'OBJECT 0.4.0.19495.1.3',
      'UTF8STRING PSP_AI',
      'UTF8STRING De Nederlandsche Bank',
      'UTF8STRING NL-DNB',
    ]);
    const leafFile = await scratch.file('qwac.pem', leaf.pem);
    const text = (await openssl(['x509', '-in', leafFile, '-noout', '-text'])).stdout;
    expect(text).toContain('qcStatements');
    expect(text).toContain('organizationIdentifier = PSDNL-DNB-123456');
    expect(text).toContain('Policy: 0.4.0.194112.1.4');
    expect(text).toContain('Policy: 0.4.0.19495.3.1');
    const verified = await openssl([
      'verify',
      '-CAfile',
      await scratch.file('qwac-root.pem', root.pem),
      '-untrusted',
      await scratch.file('qwac-int.pem', intermediates[0]?.pem ?? ''),
      leafFile,
    ]);
    expect(verified.code).toBe(0);
  });

  it('encodes the PSD2 statement byte for byte as a real QuoVadis QWAC does', async () => {
    const real = new x509.X509Certificate(await readFile(join(corpus, 'psd2/moneymonk-psp-ai.pem'), 'utf8'));
    const { leaf } = await psd2Qwac({ roles: ['PSP_AI'], ncaName: 'The Netherlands Bank', ncaId: 'NL-DNB' });
    expect(psd2StatementBytes(leaf.certificate)).toBe(psd2StatementBytes(real));
  });

  it('all four roles, in order', async () => {
    const { leaf } = await psd2Qwac({ roles: ['PSP_AS', 'PSP_PI', 'PSP_AI', 'PSP_IC'] });
    const tokens = await qcTokens(leaf);
    expect(tokens.filter((token) => token.startsWith('UTF8STRING PSP_'))).toEqual([
      'UTF8STRING PSP_AS',
      'UTF8STRING PSP_PI',
      'UTF8STRING PSP_AI',
      'UTF8STRING PSP_IC',
    ]);
    expect(tokens).toContain(`OBJECT ${PSD2_ROLES.PSP_IC.oid}`);
  });

  it('no roles: an empty RolesOfPSP', async () => {
    const { leaf } = await psd2Qwac({ roles: [] });
    const tokens = await qcTokens(leaf);
    expect(tokens.slice(tokens.indexOf('OBJECT 0.4.0.19495.2'))).toEqual([
      'OBJECT 0.4.0.19495.2',
      'UTF8STRING De Nederlandsche Bank',
      'UTF8STRING NL-DNB',
    ]);
  });

  it('an OID/name mismatch and an unknown role OID are encoded as given', async () => {
    const { leaf } = await psd2Qwac({
      roles: [
        { oid: PSD2_ROLES.PSP_AI.oid, name: 'PSP_AS' },
        { oid: '0.4.0.19495.1.9', name: 'PSP_XX' },
      ],
    });
    const tokens = await qcTokens(leaf);
    expect(tokens.slice(tokens.indexOf('OBJECT 0.4.0.19495.2') + 1, -2)).toEqual([
      'OBJECT 0.4.0.19495.1.3',
      'UTF8STRING PSP_AS',
      'OBJECT 0.4.0.19495.1.9',
      'UTF8STRING PSP_XX',
    ]);
  });

  it('a malformed NCA id, and missing NCA name or id', async () => {
    const malformed = await psd2Qwac({ ncaId: 'XX' });
    expect((await qcTokens(malformed.leaf)).slice(-1)).toEqual(['UTF8STRING XX']);
    expect(malformed.leaf.subject).toContain('organizationIdentifier=PSDXX-123456');
    const noId = await psd2Qwac({ ncaId: null });
    expect((await qcTokens(noId.leaf)).slice(-2)).toEqual(['UTF8STRING PSP_AI', 'UTF8STRING De Nederlandsche Bank']);
    const noName = await psd2Qwac({ ncaName: null });
    expect((await qcTokens(noName.leaf)).slice(-2)).toEqual(['UTF8STRING PSP_AI', 'UTF8STRING NL-DNB']);
  });

  it('leaves out QcCompliance, QcType web, the PSD2 statement or the organizationIdentifier on request', async () => {
    const notQualified = await psd2Qwac({
      compliance: false,
      types: ['eseal'],
      psd2Statement: false,
      organizationIdentifier: null,
    });
    expect(await qcTokens(notQualified.leaf)).toEqual(['OBJECT 0.4.0.1862.1.6', 'OBJECT 0.4.0.1862.1.6.2']);
    expect(notQualified.leaf.subject).not.toContain('organizationIdentifier');
    const nothing = await psd2Qwac({ compliance: false, types: null, psd2Statement: false });
    expect(nothing.leaf.certificate.getExtension(QC_STATEMENTS_OID)).toBeNull();
  });

  it('leaf overrides are merged over the QWAC defaults', async () => {
    const { leaf } = await psd2Qwac({ leaf: { extendedKeyUsage: ['serverAuth'] } });
    expect(leaf.certificate.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(leaf.certificate.getExtension(QC_STATEMENTS_OID)).not.toBeNull();
  });

  it('an unknown role name is refused', async () => {
    await expect(psd2Qwac({ roles: ['PSP_XY' as 'PSP_AI'] })).rejects.toBeInstanceOf(InvalidSpecError);
  });
});
