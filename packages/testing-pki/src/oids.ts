// Object identifiers tests refer to by name. Sources: CA/Browser Forum Baseline Requirements §7.1.6
// (policy OIDs), RFC 5280 §4.2.1.12 (EKU), ETSI EN 319 412-5 (QCStatements), ETSI TS 119 495 (PSD2).

/** CA/B Forum domain-validated. */
export const DV_POLICY = '2.23.140.1.2.1';
/** CA/B Forum organization-validated. */
export const OV_POLICY = '2.23.140.1.2.2';
/** CA/B Forum individual-validated. */
export const IV_POLICY = '2.23.140.1.2.3';
/** CA/B Forum extended validation. */
export const EV_POLICY = '2.23.140.1.1';
/** ETSI EN 319 411-2 QEVCP-w: qualified website authentication certificate (QWAC). */
export const QEVCP_W_POLICY = '0.4.0.194112.1.4';
/** ETSI TS 119 495 PSD2 QWAC policy. */
export const PSD2_QWAC_POLICY = '0.4.0.19495.3.1';

export const EKU_OIDS = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
} as const;
export type ExtendedKeyUsageName = keyof typeof EKU_OIDS;

export const QC_STATEMENTS_OID = '1.3.6.1.5.5.7.1.3';
export const QC_COMPLIANCE_OID = '0.4.0.1862.1.1';
export const QC_SSCD_OID = '0.4.0.1862.1.4';
export const QC_TYPE_OID = '0.4.0.1862.1.6';
export const QC_TYPE_OIDS = {
  esign: '0.4.0.1862.1.6.1',
  eseal: '0.4.0.1862.1.6.2',
  web: '0.4.0.1862.1.6.3',
} as const;
export type QcTypeName = keyof typeof QC_TYPE_OIDS;
export const PSD2_QC_STATEMENT_OID = '0.4.0.19495.2';

export type Psd2RoleName = 'PSP_AS' | 'PSP_PI' | 'PSP_AI' | 'PSP_IC';
export interface Psd2Role {
  readonly oid: string;
  readonly name: string;
}
/** ETSI TS 119 495 §5.1: role OIDs under 0.4.0.19495.1 and the names that must accompany them. */
export const PSD2_ROLES: Readonly<Record<Psd2RoleName, Psd2Role>> = {
  PSP_AS: { oid: '0.4.0.19495.1.1', name: 'PSP_AS' },
  PSP_PI: { oid: '0.4.0.19495.1.2', name: 'PSP_PI' },
  PSP_AI: { oid: '0.4.0.19495.1.3', name: 'PSP_AI' },
  PSP_IC: { oid: '0.4.0.19495.1.4', name: 'PSP_IC' },
};
