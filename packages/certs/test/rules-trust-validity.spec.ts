// ca.* and validity.* rules with testing-pki certificates.
import { letsEncryptHierarchy, type LetsEncryptHierarchy } from '@connectpay-kit/testing-pki';
import { cleanChain, findings, toPem, verifyWith } from './support/pki.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('ca.public-trust', () => {
  it('fires for a private root that is neither public nor given as trust', async () => {
    const { pem } = await cleanChain();
    const report = await verifyWith(pem, undefined);
    const [finding] = findings(report, 'ca.public-trust');
    expect(finding?.certificate).toBe(2);
    expect(finding?.message).toMatch(/is not in the public trust store/);
    // Not "use a public CA": since 2026 client-authentication certificates come from roots outside the
    // public store, so the hint is the decision docs/getting-a-certificate.md describes.
    expect(finding?.hint).toMatch(
      /^a root outside the public trust store is accepted only once ConnectPay agreed to add it/,
    );
    expect(finding?.hint).toMatch(/ask dev-support@connectpay\.com to accept this root/);
    expect(finding?.hint).toMatch(/then check with --trust ROOT\.pem$/);
  });

  it('for a chain that stops below its root, the hint says to complete it first', async () => {
    const { leaf, intermediates } = await cleanChain();
    const report = await verifyWith(toPem([leaf, intermediates[0]!]), undefined);
    const [finding] = findings(report, 'ca.public-trust');
    expect(finding?.message).toMatch(/does not lead to any root in the public trust store/);
    expect(finding?.hint).toMatch(/^complete the chain up to its root first/);
    expect(finding?.hint).toMatch(/ask dev-support@connectpay\.com to accept this root/);
  });

  it('does not fire when the root is given as an extra trust anchor', async () => {
    const { pem, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'ca.public-trust')).toEqual([]);
  });
});

describe('ca.lets-encrypt', () => {
  let le: LetsEncryptHierarchy;
  beforeAll(async () => {
    le = await letsEncryptHierarchy();
  });

  it('fires for every certificate of the ISRG Root X1 -> R10 -> leaf look-alike', async () => {
    const report = await verifyWith(toPem(le.chain), le.isrgRootX1.pem);
    expect(findings(report, 'ca.lets-encrypt').map((finding) => finding.certificate)).toEqual([0, 1, 2]);
  });

  it('fires for Gen-Y "Root YR" with O=ISRG only, and for the staging hierarchy', async () => {
    const genY = await verifyWith(toPem(le.genY.chain), le.genY.rootYR.pem);
    expect(findings(genY, 'ca.lets-encrypt').map((finding) => finding.certificate)).toEqual([0, 1, 2]);
    const staging = await verifyWith(toPem([le.staging.leaf]), undefined);
    expect(findings(staging, 'ca.lets-encrypt')[0]?.message).toMatch(/Let's Encrypt/);
  });

  it('does not fire for another CA', async () => {
    const { pem, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'ca.lets-encrypt')).toEqual([]);
  });
});

describe('validity.expired', () => {
  it('fires for a leaf that expired before `at`', async () => {
    const { intermediates, root } = await cleanChain();
    const old = await intermediates[0]!.issue({ validity: { days: 30, startsInDays: -100 } });
    const report = await verifyWith(toPem([old, intermediates[0]!, root]), root.pem);
    expect(findings(report, 'validity.expired').map((finding) => finding.certificate)).toEqual([0]);
  });

  it('judges at the given instant, not the clock', async () => {
    const { pem, leaf, root } = await cleanChain();
    const later = new Date(leaf.notAfter.getTime() + DAY_MS);
    expect(
      findings(await verifyWith(pem, root.pem, { at: later }), 'validity.expired').map((f) => f.certificate),
    ).toEqual([0]);
    expect(findings(await verifyWith(pem, root.pem), 'validity.expired')).toEqual([]);
  });
});

describe('validity.not-yet-valid', () => {
  it('fires for a leaf that starts in ten days', async () => {
    const { intermediates, root } = await cleanChain();
    const future = await intermediates[0]!.issue({ validity: { days: 200, startsInDays: 10 } });
    const report = await verifyWith(toPem([future, intermediates[0]!, root]), root.pem);
    expect(findings(report, 'validity.not-yet-valid').map((finding) => finding.certificate)).toEqual([0]);
  });

  it('does not fire for a leaf already valid', async () => {
    const { pem, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'validity.not-yet-valid')).toEqual([]);
  });
});

describe('validity.expiring', () => {
  it('fires within warnDays (default 30) and not outside it', async () => {
    const { intermediates, root } = await cleanChain();
    const soon = await intermediates[0]!.issue({ validity: { days: 111, startsInDays: -100 } });
    const pem = toPem([soon, intermediates[0]!, root]);
    const report = await verifyWith(pem, root.pem);
    const [finding] = findings(report, 'validity.expiring');
    expect(finding?.certificate).toBe(0);
    expect(finding?.severity).toBe('warning');
    expect(finding?.message).toMatch(/expires in 10 days/);
    expect(findings(await verifyWith(pem, root.pem, { warnDays: 5 }), 'validity.expiring')).toEqual([]);
  });

  it('does not fire for a certificate with a year left', async () => {
    const { pem, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'validity.expiring')).toEqual([]);
  });
});

describe('validity.short-lived', () => {
  it("fires for a 90-day leaf (Let's Encrypt's lifetime)", async () => {
    const { intermediates, root } = await cleanChain();
    const short = await intermediates[0]!.issue({ validity: { days: 90 } });
    const report = await verifyWith(toPem([short, intermediates[0]!, root]), root.pem);
    expect(findings(report, 'validity.short-lived').map((finding) => finding.certificate)).toEqual([0]);
  });

  it('does not fire for a one-year leaf', async () => {
    const { pem, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'validity.short-lived')).toEqual([]);
  });
});
