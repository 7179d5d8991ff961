// ETSI TS 119 495 §5.1 PSD2 QCStatement (statement id 0.4.0.19495.2). Loaded on demand only: importing
// @peculiar/asn1-schema costs tens of milliseconds, which chains without QCStatements should not pay.
import { AsnArray, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes } from '@peculiar/asn1-schema';

/** RoleOfPSP ::= SEQUENCE { roleOfPspOid RoleOfPspOid, roleOfPspName RoleOfPspName } */
export class RoleOfPsp {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier })
  roleOfPspOid = '';

  @AsnProp({ type: AsnPropTypes.Utf8String })
  roleOfPspName = '';
}

/** RolesOfPSP ::= SEQUENCE OF RoleOfPSP */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: RoleOfPsp })
export class RolesOfPsp extends AsnArray<RoleOfPsp> {
  constructor(items?: RoleOfPsp[]) {
    super(items);
    // AsnArray subclasses lose their prototype through Array's constructor; asn1-schema does the same.
    Object.setPrototypeOf(this, RolesOfPsp.prototype);
  }
}

/**
 * PSD2QcType ::= SEQUENCE { rolesOfPSP RolesOfPSP, nCAName NCAName, nCAId NCAId }
 * Both NCA fields are mandatory in the standard but read as optional here, so that a statement that
 * lacks one is reported as "NCA missing" (rule psd2.nca) rather than as an unreadable statement.
 */
export class Psd2QcType {
  @AsnProp({ type: RolesOfPsp })
  rolesOfPsp = new RolesOfPsp();

  @AsnProp({ type: AsnPropTypes.Utf8String, optional: true })
  nCAName?: string;

  @AsnProp({ type: AsnPropTypes.Utf8String, optional: true })
  nCAId?: string;
}
