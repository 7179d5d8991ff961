import { createChain, type ChainOptions, type GeneratedChain } from './chain.js';
import { DEFAULT_NCA_ID, type QcStatementsSpec } from './qc-statements.js';
import {
  EV_POLICY,
  PSD2_QWAC_POLICY,
  QEVCP_W_POLICY,
  type Psd2Role,
  type Psd2RoleName,
  type QcTypeName,
} from './oids.js';
import type { CertificateSpec } from './spec.js';

export interface Psd2QwacOptions {
  /** Default ['PSP_AI']. [] encodes an empty RolesOfPSP; `{ oid, name }` entries are encoded as given. */
  readonly roles?: readonly (Psd2RoleName | Psd2Role)[];
  /** Default "De Nederlandsche Bank"; null leaves it out of the statement. */
  readonly ncaName?: string | null;
  /** Default "NL-DNB"; null leaves it out of the statement. */
  readonly ncaId?: string | null;
  /** Subject organizationIdentifier (2.5.4.97). Default `PSD${ncaId}-123456`, e.g. "PSDNL-DNB-123456"; null leaves it out. */
  readonly organizationIdentifier?: string | null;
  /** QcCompliance statement. Default true. */
  readonly compliance?: boolean;
  /** QcType statement. Default ['web']; null leaves the statement out. */
  readonly types?: readonly (QcTypeName | string)[] | null;
  /** Default true; false leaves the PSD2 QcStatement out (a QWAC that is no PSD2 certificate). */
  readonly psd2Statement?: boolean;
  /** Merged over the QWAC leaf defaults (subject, SAN, EKU, policies). */
  readonly leaf?: CertificateSpec;
  readonly root?: CertificateSpec;
  readonly intermediate?: CertificateSpec;
  readonly intermediates?: number;
}

/** A chain whose leaf is a PSD2 QWAC (ETSI TS 119 495): QcCompliance, QcType web, PSD2 roles and NCA. */
export async function psd2Qwac(options: Psd2QwacOptions = {}): Promise<GeneratedChain> {
  const ncaId = options.ncaId === undefined ? DEFAULT_NCA_ID : options.ncaId;
  const organizationIdentifier =
    options.organizationIdentifier === undefined
      ? `PSD${ncaId ?? DEFAULT_NCA_ID}-123456`
      : options.organizationIdentifier;
  const types = options.types === undefined ? ['web'] : options.types;
  const qcStatements: QcStatementsSpec = {
    compliance: options.compliance ?? true,
    ...(types === null ? {} : { types }),
    ...(options.psd2Statement === false
      ? {}
      : {
          psd2: {
            roles: options.roles ?? ['PSP_AI'],
            ...(options.ncaName === undefined ? {} : { ncaName: options.ncaName }),
            ncaId,
          },
        }),
  };
  const hasStatements =
    qcStatements.compliance === true || qcStatements.types !== undefined || qcStatements.psd2 !== undefined;
  const leaf: CertificateSpec = {
    subject: {
      country: 'NL',
      ...(organizationIdentifier === null ? {} : { organizationIdentifier }),
      organization: 'Example TPP B.V.',
      commonName: 'tpp.example.test',
    },
    subjectAltNames: { dns: ['tpp.example.test'] },
    extendedKeyUsage: ['serverAuth', 'clientAuth'],
    policies: [QEVCP_W_POLICY, PSD2_QWAC_POLICY, EV_POLICY],
    ...(hasStatements ? { qcStatements } : {}),
    ...options.leaf,
  };
  const chainOptions: ChainOptions = {
    leaf,
    ...(options.root ? { root: options.root } : {}),
    ...(options.intermediate ? { intermediate: options.intermediate } : {}),
    ...(options.intermediates === undefined ? {} : { intermediates: options.intermediates }),
  };
  return createChain(chainOptions);
}
