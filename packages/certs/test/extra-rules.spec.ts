// extraRules: a company's own rules run by verifyChain beside the kit's, typed into the report.
import { CertsError, type Report, type Rule, verifyChain } from '@connectpay-kit/certs';
import { cleanChain } from './support/pki.js';

const ecOnly: Rule<'acme.ec-only'> = {
  id: 'acme.ec-only',
  severity: 'error',
  title: 'Our leaf keys are EC',
  cites: ['ACME key policy §2'],
  appliesWhen: (context) => context.leaf !== undefined,
  check: (context) =>
    context.leaf?.publicKey.algorithm === 'EC'
      ? []
      : [{ certificate: context.leafIndex, message: 'the leaf key is not EC', hint: 'order an EC P-256 certificate' }],
};

const alwaysInfo: Rule<'acme.noted'> = {
  id: 'acme.noted',
  severity: 'info',
  title: 'Says that the house rules ran',
  cites: ['ACME runbook'],
  check: () => [{ message: 'house rules ran' }],
};

async function verifyClean(options: Parameters<typeof verifyChain<'acme.ec-only' | 'acme.noted'>>[1]) {
  const { pem, root } = await cleanChain();
  return verifyChain(pem, { offline: true, trust: [root.pem], publicTrust: false, ...options });
}

describe('verifyChain extraRules', () => {
  it("runs them after the kit's rules, with their id and severity, and counts them", async () => {
    const report = await verifyClean({ extraRules: [alwaysInfo, ecOnly] });
    const mine = report.findings.filter((finding) => finding.rule.startsWith('acme.'));
    expect(mine).toEqual([{ rule: 'acme.noted', severity: 'info', message: 'house rules ran' }]);
    // After the kit's own findings (revocation.unknown offline, the validation level), in the given order.
    expect(report.findings.at(-1)?.rule).toBe('acme.noted');
    expect(report.counts.info).toBe(report.findings.filter((finding) => finding.severity === 'info').length);
    // The id is in the report's type: a typo here would not compile.
    const typed: Report<'acme.ec-only' | 'acme.noted'>['findings'][number]['rule'] = 'acme.ec-only';
    expect(typed).toBe('acme.ec-only');
  });

  it('makes the report not ok when one of them finds an error, and only/skip select them', async () => {
    const rsaLeafPolicy: Rule<'acme.ec-only'> = { ...ecOnly, check: () => [{ message: 'the leaf key is not EC' }] };
    expect((await verifyClean({ extraRules: [rsaLeafPolicy] })).ok).toBe(false);
    expect((await verifyClean({ extraRules: [rsaLeafPolicy], rules: { skip: ['acme.ec-only'] } })).ok).toBe(true);
    const only = await verifyClean({ extraRules: [rsaLeafPolicy, alwaysInfo], rules: { only: ['acme.noted'] } });
    expect(only.findings.map((finding) => finding.rule)).toEqual(['acme.noted']);
  });

  it("refuses a rule that takes one of the kit's ids, two rules with one id, and a rule without check()", async () => {
    const clash = { ...ecOnly, id: 'key.strength' } as unknown as Rule<'acme.ec-only'>;
    await expect(verifyClean({ extraRules: [clash] })).rejects.toThrow(/"key.strength" is one of the kit's rules/);
    await expect(verifyClean({ extraRules: [ecOnly, ecOnly] })).rejects.toThrow(/two rules have the id "acme.ec-only"/);
    const broken = { id: 'acme.noted', severity: 'info' } as unknown as Rule<'acme.noted'>;
    await expect(verifyClean({ extraRules: [broken] })).rejects.toMatchObject({ code: 'CERTS_INVALID_OPTION' });
    await expect(verifyClean({ extraRules: [broken] })).rejects.toBeInstanceOf(CertsError);
  });

  it('wraps a rule that throws as CERTS_INTERNAL naming it', async () => {
    const throwing: Rule<'acme.noted'> = {
      ...alwaysInfo,
      check: () => {
        throw new Error('boom');
      },
    };
    await expect(verifyClean({ extraRules: [throwing] })).rejects.toMatchObject({
      code: 'CERTS_INTERNAL',
      message: expect.stringMatching(/rule acme\.noted/),
    });
  });
});
