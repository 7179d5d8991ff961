// psd2.* rules with testing-pki QWACs (ETSI TS 119 495 statements built at test time).
import { psd2Qwac, PSD2_ROLES } from '@connectpay-kit/testing-pki';
import { inspect } from '@connectpay-kit/certs';
import { cleanChain, findings, verifyWith } from './support/pki.js';

async function psd2Report(options: Parameters<typeof psd2Qwac>[0], psd2: boolean | string[] = true) {
  const chain = await psd2Qwac(options);
  return verifyWith(chain.pem, chain.root.pem, { psd2 });
}

describe('psd2.qwac', () => {
  it('fires when QcCompliance or QcType web is missing', async () => {
    const noCompliance = findings(await psd2Report({ compliance: false }), 'psd2.qwac');
    expect(noCompliance[0]?.message).toMatch(/QcCompliance/);
    const eseal = findings(await psd2Report({ types: ['eseal'] }), 'psd2.qwac');
    expect(eseal[0]?.message).toMatch(/QcType web/);
  });

  it('fires with the psd2 option on an ordinary certificate', async () => {
    const { pem, root } = await cleanChain();
    const [finding] = findings(await verifyWith(pem, root.pem, { psd2: true }), 'psd2.qwac');
    expect(finding?.message).toMatch(/QcCompliance .*QcType web .*PSD2 QcStatement/);
  });

  it('does not fire for a complete QWAC, nor without the option on an ordinary certificate', async () => {
    expect(findings(await psd2Report({}), 'psd2.qwac')).toEqual([]);
    const { pem, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'psd2.qwac')).toEqual([]);
  });
});

describe('psd2.roles', () => {
  it('fires for no roles, an unknown role OID, and an OID/name mismatch', async () => {
    expect(findings(await psd2Report({ roles: [] }), 'psd2.roles')[0]?.message).toMatch(/no roles/);
    const unknown = findings(await psd2Report({ roles: [{ oid: '0.4.0.19495.1.9', name: 'PSP_XX' }] }), 'psd2.roles');
    expect(unknown[0]?.message).toMatch(/unknown PSD2 role OID 0\.4\.0\.19495\.1\.9/);
    const mismatch = findings(
      await psd2Report({ roles: [{ oid: PSD2_ROLES.PSP_AI.oid, name: 'PSP_AS' }] }),
      'psd2.roles',
    );
    expect(mismatch[0]?.message).toMatch(/is PSP_AI but its name says "PSP_AS"/);
  });

  it('fires when a required role is missing', async () => {
    const [finding] = findings(await psd2Report({ roles: ['PSP_AI'] }, ['PSP_PI']), 'psd2.roles');
    expect(finding?.message).toMatch(/lacks the required PSD2 role PSP_PI; it has PSP_AI/);
  });

  it('does not fire when the roles are right and required ones are held', async () => {
    expect(
      findings(await psd2Report({ roles: ['PSP_AI', 'PSP_PI'] }, ['PSP_PI', '0.4.0.19495.1.3']), 'psd2.roles'),
    ).toEqual([]);
  });

  it('rejects an unknown required role name as an invalid option', async () => {
    const chain = await psd2Qwac({});
    await expect(verifyWith(chain.pem, chain.root.pem, { psd2: ['PSP_ZZ'] })).rejects.toMatchObject({
      code: 'CERTS_INVALID_OPTION',
    });
  });
});

describe('psd2.nca', () => {
  it('fires for a malformed NCA id and for a missing NCA name', async () => {
    const malformed = findings(await psd2Report({ ncaId: 'XX', organizationIdentifier: null }), 'psd2.nca');
    expect(malformed[0]?.message).toMatch(/NCA id "XX" is malformed/);
    const noName = findings(await psd2Report({ ncaName: null }), 'psd2.nca');
    expect(noName.map((finding) => finding.message)).toEqual(["the leaf's PSD2 QcStatement has no NCA name"]);
  });

  it('fires when the NCA id disagrees with the organizationIdentifier', async () => {
    const [finding] = findings(
      await psd2Report({ ncaId: 'DE-BAFIN', organizationIdentifier: 'PSDNL-DNB-123456' }),
      'psd2.nca',
    );
    expect(finding?.message).toMatch(/does not match its organizationIdentifier "PSDNL-DNB-123456"/);
  });

  it('does not fire for "NL-DNB" matching "PSDNL-DNB-123456"', async () => {
    expect(findings(await psd2Report({}), 'psd2.nca')).toEqual([]);
  });
});

describe('inspect on a QWAC', () => {
  it('shows roles, NCA and QC types', async () => {
    const chain = await psd2Qwac({ roles: ['PSP_AS', 'PSP_IC'], ncaId: 'DE-BAFIN', ncaName: 'BaFin' });
    const [leaf] = await inspect(chain.pem);
    expect(leaf?.qcStatements).toMatchObject({
      compliance: true,
      types: ['web'],
      psd2: {
        roles: [
          { oid: '0.4.0.19495.1.1', name: 'PSP_AS' },
          { oid: '0.4.0.19495.1.4', name: 'PSP_IC' },
        ],
        ncaName: 'BaFin',
        ncaId: 'DE-BAFIN',
      },
    });
  });
});
