import { AsnConvert } from '@peculiar/asn1-schema';
import { Name as AsnName } from '@peculiar/asn1-x509';
import { InvalidSpecError } from './errors.js';
import { x509 } from './x509.js';

/** Subject fields by name; they are encoded in the order real EV/QWAC certificates use. */
export interface DistinguishedName {
  readonly jurisdictionCountry?: string;
  readonly businessCategory?: string;
  readonly serialNumber?: string;
  readonly country?: string;
  readonly state?: string;
  readonly locality?: string;
  /** 2.5.4.97, e.g. "PSDNL-DNB-123456" in a PSD2 QWAC (ETSI EN 319 412-1 §5.1.4). */
  readonly organizationIdentifier?: string;
  readonly organization?: string;
  readonly organizationalUnit?: string;
  readonly commonName?: string;
  readonly emailAddress?: string;
}

const FIELD_OIDS: readonly (readonly [keyof DistinguishedName, string])[] = [
  ['jurisdictionCountry', '1.3.6.1.4.1.311.60.2.1.3'],
  ['businessCategory', '2.5.4.15'],
  ['serialNumber', '2.5.4.5'],
  ['country', '2.5.4.6'],
  ['state', '2.5.4.8'],
  ['locality', '2.5.4.7'],
  ['organizationIdentifier', '2.5.4.97'],
  ['organization', '2.5.4.10'],
  ['organizationalUnit', '2.5.4.11'],
  ['commonName', '2.5.4.3'],
  ['emailAddress', '1.2.840.113549.1.9.1'],
];

// Attribute names @peculiar/x509 does not know; registering them lets string subjects use them
// ("organizationIdentifier=PSDNL-DNB-1, O=Bank") and printed subjects show them by name.
const EXTRA_NAME_TYPES: Readonly<Record<string, string>> = {
  organizationIdentifier: '2.5.4.97',
  serialNumber: '2.5.4.5',
  businessCategory: '2.5.4.15',
  jurisdictionC: '1.3.6.1.4.1.311.60.2.1.3',
};

export type SubjectInput = string | DistinguishedName;

export function toAsnName(subject: SubjectInput): AsnName {
  let name: x509.Name;
  try {
    name =
      typeof subject === 'string'
        ? new x509.Name(subject, EXTRA_NAME_TYPES)
        : new x509.Name(
            FIELD_OIDS.flatMap(([field, oid]) => {
              const value = subject[field];
              return value === undefined ? [] : [{ [oid]: [value] }];
            }),
            EXTRA_NAME_TYPES,
          );
  } catch (error) {
    throw new InvalidSpecError(
      `Subject ${JSON.stringify(subject)} is not a distinguished name (${error instanceof Error ? error.message : 'unparsable'}); ` +
        'write it as "CN=Leaf, O=Acme, C=LT" or as { commonName, organization, country, ... }.',
    );
  }
  const asnName = AsnConvert.parse(name.toArrayBuffer(), AsnName);
  if (typeof subject === 'string' && subject.trim() !== '' && asnName.length === 0) {
    throw new InvalidSpecError(
      `Subject "${subject}" holds no TYPE=value pair; write it as "C=LT, O=Acme, CN=Leaf" (or "" for an empty subject).`,
    );
  }
  return asnName;
}

export function formatName(name: AsnName): string {
  return new x509.Name(name, EXTRA_NAME_TYPES).toString();
}

let defaultNameCounter = 0;

/**
 * Unique per process, so two chains made with defaults never share an issuer name: a certificate
 * from one could otherwise pass as issued by the other's CA whenever the key pool repeats a key.
 */
export function defaultSubject(role: 'root' | 'intermediate' | 'leaf' | 'self-signed'): string {
  defaultNameCounter += 1;
  const n = defaultNameCounter;
  switch (role) {
    case 'root':
      return `C=LT, O=ConnectPay Kit Testing, CN=Testing PKI Root CA ${n}`;
    case 'intermediate':
      return `C=LT, O=ConnectPay Kit Testing, CN=Testing PKI Intermediate CA ${n}`;
    case 'leaf':
      return `C=LT, O=ConnectPay Kit Testing, CN=leaf-${n}.testing-pki.test`;
    case 'self-signed':
      return `C=LT, O=ConnectPay Kit Testing, CN=self-signed-${n}.testing-pki.test`;
  }
}
