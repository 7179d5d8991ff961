import { AsnArray, AsnConvert, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes } from '@peculiar/asn1-schema';
import { QCStatement, QCStatements } from '@peculiar/asn1-x509-qualified';
import { QcType } from '@peculiar/asn1-x509-qualified-etsi';
import { InvalidSpecError } from './errors.js';
import {
  PSD2_QC_STATEMENT_OID,
  PSD2_ROLES,
  QC_COMPLIANCE_OID,
  QC_SSCD_OID,
  QC_TYPE_OID,
  QC_TYPE_OIDS,
  type Psd2Role,
  type Psd2RoleName,
  type QcTypeName,
} from './oids.js';

export const DEFAULT_NCA_NAME = 'De Nederlandsche Bank';
export const DEFAULT_NCA_ID = 'NL-DNB';

export interface Psd2StatementSpec {
  /** Role names expand to the ETSI pair; `{ oid, name }` is encoded as given (mismatches, unknown OIDs). [] encodes no roles. */
  readonly roles: readonly (Psd2RoleName | Psd2Role)[];
  /** Default "De Nederlandsche Bank"; null leaves the field out (a malformed statement). */
  readonly ncaName?: string | null;
  /** Default "NL-DNB"; null leaves the field out (a malformed statement). */
  readonly ncaId?: string | null;
}

export interface QcStatementsSpec {
  /** QcCompliance (0.4.0.1862.1.1): an EU qualified certificate. */
  readonly compliance?: boolean;
  /** QcSSCD (0.4.0.1862.1.4): the key lives in a qualified signature creation device. */
  readonly sscd?: boolean;
  /** QcType (0.4.0.1862.1.6); a QWAC has 'web'. Raw OIDs are encoded as given. */
  readonly types?: readonly (QcTypeName | string)[];
  /** The PSD2 QcStatement (0.4.0.19495.2) of ETSI TS 119 495. */
  readonly psd2?: Psd2StatementSpec;
  /** Further statements: `der` is the DER of statementInfo, omitted when absent. */
  readonly extra?: readonly { readonly oid: string; readonly der?: Uint8Array }[];
}

// ETSI TS 119 495 Annex A. The NCA fields are OPTIONAL here, unlike in the standard, so tests can
// produce statements that lack them.
@AsnType({ type: AsnTypeTypes.Sequence })
class RoleOfPsp {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier })
  roleOfPspOid = '';

  @AsnProp({ type: AsnPropTypes.Utf8String })
  roleOfPspName = '';

  constructor(params: Partial<RoleOfPsp> = {}) {
    Object.assign(this, params);
  }
}

@AsnType({ type: AsnTypeTypes.Sequence, itemType: RoleOfPsp })
class RolesOfPsp extends AsnArray<RoleOfPsp> {
  constructor(items?: RoleOfPsp[]) {
    super(items);
    // AsnArray subclasses lose their prototype when constructed through Array's species.
    Object.setPrototypeOf(this, RolesOfPsp.prototype);
  }
}

@AsnType({ type: AsnTypeTypes.Sequence })
class Psd2QcType {
  @AsnProp({ type: RolesOfPsp })
  rolesOfPsp = new RolesOfPsp();

  @AsnProp({ type: AsnPropTypes.Utf8String, optional: true })
  nCAName?: string;

  @AsnProp({ type: AsnPropTypes.Utf8String, optional: true })
  nCAId?: string;
}

function resolveRole(role: Psd2RoleName | Psd2Role): Psd2Role {
  if (typeof role !== 'string') return role;
  const known = PSD2_ROLES[role];
  if (!known) {
    throw new InvalidSpecError(
      `Unknown PSD2 role "${role}": use ${Object.keys(PSD2_ROLES).join(', ')}, or { oid, name } for a deliberately odd role.`,
    );
  }
  return known;
}

export function encodePsd2Statement(spec: Psd2StatementSpec): ArrayBuffer {
  const value = new Psd2QcType();
  value.rolesOfPsp = new RolesOfPsp(
    spec.roles.map(resolveRole).map((role) => new RoleOfPsp({ roleOfPspOid: role.oid, roleOfPspName: role.name })),
  );
  const ncaName = spec.ncaName === undefined ? DEFAULT_NCA_NAME : spec.ncaName;
  const ncaId = spec.ncaId === undefined ? DEFAULT_NCA_ID : spec.ncaId;
  if (ncaName !== null) value.nCAName = ncaName;
  if (ncaId !== null) value.nCAId = ncaId;
  return AsnConvert.serialize(value);
}

function statement(oid: string, info?: ArrayBuffer): QCStatement {
  const result = new QCStatement();
  result.statementId = oid;
  // QCStatement defaults statementInfo to an empty buffer; it must be absent for QcCompliance et al.
  if (info === undefined) delete (result as Partial<QCStatement>).statementInfo;
  else result.statementInfo = info;
  return result;
}

/** DER of the QCStatements extension value (RFC 3739 §3.2.6). */
export function encodeQcStatements(spec: QcStatementsSpec): ArrayBuffer {
  const statements: QCStatement[] = [];
  if (spec.compliance) statements.push(statement(QC_COMPLIANCE_OID));
  if (spec.sscd) statements.push(statement(QC_SSCD_OID));
  if (spec.types !== undefined) {
    const oids = spec.types.map((type) => (type in QC_TYPE_OIDS ? QC_TYPE_OIDS[type as QcTypeName] : type));
    statements.push(statement(QC_TYPE_OID, AsnConvert.serialize(new QcType(oids))));
  }
  if (spec.psd2 !== undefined) statements.push(statement(PSD2_QC_STATEMENT_OID, encodePsd2Statement(spec.psd2)));
  for (const extra of spec.extra ?? []) {
    statements.push(statement(extra.oid, extra.der === undefined ? undefined : Uint8Array.from(extra.der).buffer));
  }
  if (statements.length === 0) {
    throw new InvalidSpecError(
      'qcStatements lists no statement: set compliance, types, psd2 or extra, or leave qcStatements out.',
    );
  }
  return AsnConvert.serialize(new QCStatements(statements));
}
