import type { CertificateAuthority, GeneratedCertificate } from './authority.js';
import { createRoot } from './authority.js';
import type { KeySpec } from './keys.js';
import { DV_POLICY } from './oids.js';
import type { CertificateSpec } from './spec.js';

// Look-alikes of Let's Encrypt's published hierarchy (names, extensions, EKUs as in the real
// certificates of shared/corpus/lets-encrypt), signed by throwaway keys: they trip name-based
// detection, never the key-identifier-based one.

export interface LetsEncryptChain {
  readonly leaf: GeneratedCertificate;
  /** leaf, intermediate, root. */
  readonly chain: readonly GeneratedCertificate[];
}

export interface LetsEncryptHierarchy extends LetsEncryptChain {
  /** C=US, O=Internet Security Research Group, CN=ISRG Root X1. */
  readonly isrgRootX1: CertificateAuthority;
  /** C=US, O=Let's Encrypt, CN=R10 (RSA generation intermediate; EKU clientAuth + serverAuth). */
  readonly r10: CertificateAuthority;
  /** C=US, O=Let's Encrypt, CN=E5 (ECDSA generation intermediate). */
  readonly e5: CertificateAuthority;
  /** Gen-Y: root "Root YR" with O=ISRG only, its cross-sign by ISRG Root X1, and YR1 (serverAuth only). */
  readonly genY: LetsEncryptChain & {
    readonly rootYR: CertificateAuthority;
    readonly rootYRCrossSigned: CertificateAuthority;
    readonly yr1: CertificateAuthority;
  };
  /** Staging: "(STAGING) Pretend Pear X1" -> "(STAGING) Counterfeit Cashew R10" -> leaf. */
  readonly staging: LetsEncryptChain & {
    readonly root: CertificateAuthority;
    readonly intermediate: CertificateAuthority;
  };
}

export interface LetsEncryptOptions {
  /** Key type of every certificate. Default EC P-256 (real ones use RSA 4096/2048 and P-384). */
  readonly key?: KeySpec;
  /** Leaf DNS name. Default "le.testing-pki.test". */
  readonly dnsName?: string;
}

function intermediateSpec(commonName: string, organization: string, issuerHost: string, key?: KeySpec) {
  return {
    subject: { country: 'US', organization, commonName },
    ca: { pathLength: 0 },
    keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
    policies: [DV_POLICY],
    caIssuersUrls: [`http://${issuerHost}.i.lencr.org/`],
    crlDistributionPoints: [`http://${issuerHost}.c.lencr.org/`],
    validity: { days: 3 * 365 },
    ...(key ? { key } : {}),
  } as const;
}

function leafSpec(dnsName: string, key?: KeySpec): CertificateSpec {
  return {
    subject: { commonName: dnsName },
    subjectAltNames: { dns: [dnsName] },
    extendedKeyUsage: ['serverAuth'],
    policies: [DV_POLICY],
    validity: { days: 90 },
    ...(key ? { key } : {}),
  };
}

export async function letsEncryptHierarchy(options: LetsEncryptOptions = {}): Promise<LetsEncryptHierarchy> {
  const { key } = options;
  const dnsName = options.dnsName ?? 'le.testing-pki.test';
  const keyOption = key ? { key } : {};
  const rootUsage = { keyUsage: ['keyCertSign', 'cRLSign'], validity: { days: 20 * 365 } } as const;

  const isrgRootX1 = await createRoot({
    subject: { country: 'US', organization: 'Internet Security Research Group', commonName: 'ISRG Root X1' },
    ...rootUsage,
    ...keyOption,
  });
  const r10 = await isrgRootX1.issue({
    ...intermediateSpec('R10', "Let's Encrypt", 'x1', key),
    extendedKeyUsage: ['clientAuth', 'serverAuth'],
  });
  const e5 = await isrgRootX1.issue({
    ...intermediateSpec('E5', "Let's Encrypt", 'x1', key),
    extendedKeyUsage: ['clientAuth', 'serverAuth'],
  });
  const leaf = await r10.issue(leafSpec(dnsName, key));

  const rootYR = await createRoot({
    subject: { country: 'US', organization: 'ISRG', commonName: 'Root YR' },
    ...rootUsage,
    ...keyOption,
  });
  const rootYRCrossSigned = await isrgRootX1.issue({
    subject: { country: 'US', organization: 'ISRG', commonName: 'Root YR' },
    key: rootYR.keys,
    ca: true,
    keyUsage: ['keyCertSign', 'cRLSign'],
    extendedKeyUsage: ['serverAuth'],
    policies: [DV_POLICY],
    caIssuersUrls: ['http://x1.i.lencr.org/'],
    crlDistributionPoints: ['http://x1.c.lencr.org/'],
  });
  const yr1 = await rootYR.issue({
    ...intermediateSpec('YR1', "Let's Encrypt", 'yr', key),
    extendedKeyUsage: ['serverAuth'],
  });
  const genYLeaf = await yr1.issue(leafSpec(dnsName, key));

  const stagingRoot = await createRoot({
    subject: {
      country: 'US',
      organization: '(STAGING) Internet Security Research Group',
      commonName: '(STAGING) Pretend Pear X1',
    },
    ...rootUsage,
    ...keyOption,
  });
  const stagingIntermediate = await stagingRoot.issue({
    ...intermediateSpec('(STAGING) Counterfeit Cashew R10', "(STAGING) Let's Encrypt", 'stg-x1', key),
    extendedKeyUsage: ['clientAuth', 'serverAuth'],
  });
  const stagingLeaf = await stagingIntermediate.issue(leafSpec(dnsName, key));

  return {
    isrgRootX1,
    r10,
    e5,
    leaf,
    chain: [leaf, r10, isrgRootX1],
    genY: { rootYR, rootYRCrossSigned, yr1, leaf: genYLeaf, chain: [genYLeaf, yr1, rootYR] },
    staging: {
      root: stagingRoot,
      intermediate: stagingIntermediate,
      leaf: stagingLeaf,
      chain: [stagingLeaf, stagingIntermediate, stagingRoot],
    },
  };
}
