import { bitIsSet, decodeBitString, decodeBoolean, decodeOid, decodeSmallInteger, toHex } from '../der/decode.js';
import {
  DerCursor,
  DerError,
  Tag,
  TagClass,
  children,
  expectUniversal,
  isContext,
  isUniversal,
  readSingle,
  type Tlv,
} from '../der/reader.js';
import { Oid } from '../oids.js';
import { parseName, type DistinguishedName } from './name.js';

export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

const KEY_USAGE_BITS: readonly KeyUsageName[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

export interface SubjectAltNames {
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly email: readonly string[];
  readonly uri: readonly string[];
  readonly directoryNames: readonly string[];
}

/**
 * One GeneralName (RFC 5280 §4.2.1.6) as name constraints need it. Forms the engine cannot evaluate
 * (otherName, x400Address, ediPartyName, registeredID) keep only their tag, so a constraint on them
 * can still be refused instead of ignored.
 */
export type GeneralName =
  | { readonly type: 'dns'; readonly value: string }
  | { readonly type: 'email'; readonly value: string }
  | { readonly type: 'uri'; readonly value: string }
  | { readonly type: 'ip'; readonly bytes: Uint8Array }
  | { readonly type: 'directory'; readonly name: DistinguishedName }
  | { readonly type: 'unsupported'; readonly tag: number };

/** NameConstraints (RFC 5280 §4.2.1.10); minimum/maximum are not used in this profile. */
export interface NameConstraints {
  readonly permitted: readonly GeneralName[];
  readonly excluded: readonly GeneralName[];
  /** Both subtree lists absent or empty: forbidden by RFC 5280 ("MUST NOT be an empty sequence"). */
  readonly empty: boolean;
}

export interface RawQcStatement {
  readonly oid: string;
  /** The statementInfo encoding, when present. */
  readonly info?: Uint8Array;
}

export interface ExtensionSummary {
  readonly oid: string;
  readonly critical: boolean;
}

export interface CertificateExtensions {
  readonly list: readonly ExtensionSummary[];
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number };
  readonly keyUsage?: readonly KeyUsageName[];
  /** EKU OIDs; undefined when the extension is absent (which RFC 5280 reads as "any purpose"). */
  readonly extendedKeyUsage?: readonly string[];
  readonly subjectKeyIdentifier?: string;
  readonly authorityKeyIdentifier?: string;
  readonly policies?: readonly string[];
  readonly crlDistributionPoints?: readonly string[];
  readonly ocspUrls?: readonly string[];
  readonly caIssuersUrls?: readonly string[];
  readonly subjectAltNames?: SubjectAltNames;
  /** Every subjectAltName entry, in order, for name constraints. */
  readonly subjectAltNameList?: readonly GeneralName[];
  readonly nameConstraints?: NameConstraints;
  /** The AKI extension is present (with or without a keyIdentifier). */
  readonly hasAuthorityKeyIdentifierExtension?: boolean;
  /** AKI authorityCertIssuer + authorityCertSerialNumber: the issuer's own issuer and serial, when given. */
  readonly authorityCertIssuer?: readonly GeneralName[];
  readonly authorityCertSerial?: string;
  readonly qcStatements?: readonly RawQcStatement[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Decodes the extensions the rules read; a malformed one makes the whole certificate unreadable. */
export function parseExtensions(extensionsTlv: Tlv | undefined): CertificateExtensions {
  const result: Mutable<CertificateExtensions> = { list: [] };
  if (!extensionsTlv) return result;
  const list: ExtensionSummary[] = [];
  const seen = new Set<string>();
  for (const extension of children(expectUniversal(extensionsTlv, Tag.sequence, 'extensions'))) {
    const cursor = new DerCursor(expectUniversal(extension, Tag.sequence, 'extension').value);
    const oid = decodeOid(cursor.next());
    const criticalTlv = cursor.optional(TagClass.universal, Tag.boolean);
    const critical = criticalTlv ? decodeBoolean(criticalTlv) : false;
    const value = cursor.expect(Tag.octetString, 'extension value').value;
    if (!cursor.done) throw new DerError('extension has trailing fields');
    // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension."
    if (seen.has(oid)) throw new DerError(`duplicate extension ${oid}`);
    seen.add(oid);
    list.push({ oid, critical });
    decodeKnown(result, oid, value);
  }
  result.list = list;
  return result;
}

function decodeKnown(result: Mutable<CertificateExtensions>, oid: string, value: Uint8Array): void {
  switch (oid) {
    case Oid.basicConstraints:
      result.basicConstraints = decodeBasicConstraints(value);
      return;
    case Oid.keyUsage:
      result.keyUsage = decodeKeyUsage(value);
      return;
    case Oid.extKeyUsage:
      result.extendedKeyUsage = children(readSingle(value)).map(decodeOid);
      return;
    case Oid.subjectKeyIdentifier:
      result.subjectKeyIdentifier = toHex(expectUniversal(readSingle(value), Tag.octetString, 'SKI').value);
      return;
    case Oid.authorityKeyIdentifier: {
      result.hasAuthorityKeyIdentifierExtension = true;
      const fields = children(expectUniversal(readSingle(value), Tag.sequence, 'AKI'));
      const keyId = fields.find((t) => isContext(t, 0));
      if (keyId) result.authorityKeyIdentifier = toHex(keyId.value);
      const certIssuer = fields.find((t) => isContext(t, 1));
      if (certIssuer) result.authorityCertIssuer = children(certIssuer).map(decodeGeneralName);
      const certSerial = fields.find((t) => isContext(t, 2));
      if (certSerial) result.authorityCertSerial = toHex(certSerial.value).replace(/^(00)+(?=.)/, '');
      return;
    }
    case Oid.certificatePolicies:
      result.policies = children(readSingle(value)).map((info) => {
        const first = children(expectUniversal(info, Tag.sequence, 'policy information'))[0];
        if (!first) throw new DerError('policy without identifier');
        return decodeOid(first);
      });
      return;
    case Oid.crlDistributionPoints:
      result.crlDistributionPoints = decodeCrlDistributionPoints(value);
      return;
    case Oid.authorityInfoAccess: {
      const ocsp: string[] = [];
      const caIssuers: string[] = [];
      for (const description of children(readSingle(value))) {
        const [method, location] = children(expectUniversal(description, Tag.sequence, 'access description'));
        if (!method || !location) throw new DerError('incomplete access description');
        const methodOid = decodeOid(method);
        if (!isContext(location, 6)) continue;
        const uri = Buffer.from(location.value).toString('latin1');
        if (methodOid === Oid.ocsp) ocsp.push(uri);
        else if (methodOid === Oid.caIssuers) caIssuers.push(uri);
      }
      result.ocspUrls = ocsp;
      result.caIssuersUrls = caIssuers;
      return;
    }
    case Oid.subjectAltName: {
      const names = children(expectUniversal(readSingle(value), Tag.sequence, 'subject alternative names'));
      result.subjectAltNames = decodeGeneralNames(names);
      result.subjectAltNameList = names.map(decodeGeneralName);
      return;
    }
    case Oid.nameConstraints:
      result.nameConstraints = decodeNameConstraints(value);
      return;
    case Oid.qcStatements:
      result.qcStatements = children(readSingle(value)).map((statement) => {
        const cursor = new DerCursor(expectUniversal(statement, Tag.sequence, 'QCStatement').value);
        const statementOid = decodeOid(cursor.next());
        const info = cursor.done ? undefined : cursor.next().encoded;
        return info ? { oid: statementOid, info } : { oid: statementOid };
      });
      return;
    default:
      return;
  }
}

function decodeBasicConstraints(value: Uint8Array): { ca: boolean; pathLength?: number } {
  const cursor = new DerCursor(expectUniversal(readSingle(value), Tag.sequence, 'basic constraints').value);
  const caTlv = cursor.optional(TagClass.universal, Tag.boolean);
  const pathTlv = cursor.optional(TagClass.universal, Tag.integer);
  const ca = caTlv ? decodeBoolean(caTlv) : false;
  return pathTlv ? { ca, pathLength: decodeSmallInteger(pathTlv) } : { ca };
}

function decodeKeyUsage(value: Uint8Array): KeyUsageName[] {
  const bits = decodeBitString(readSingle(value));
  return KEY_USAGE_BITS.filter((_, index) => bitIsSet(bits, index));
}

function decodeCrlDistributionPoints(value: Uint8Array): string[] {
  const uris: string[] = [];
  for (const point of children(readSingle(value))) {
    const name = children(expectUniversal(point, Tag.sequence, 'distribution point')).find((t) => isContext(t, 0));
    if (!name) continue;
    // DistributionPointName is a CHOICE: [0] fullName GeneralNames is the only form with URLs.
    const fullName = children(name).find((t) => isContext(t, 0));
    if (!fullName) continue;
    uris.push(...decodeGeneralNames(children(fullName)).uri);
  }
  return uris;
}

function decodeGeneralNames(names: Tlv[]): SubjectAltNames {
  const result = {
    dns: [] as string[],
    ip: [] as string[],
    email: [] as string[],
    uri: [] as string[],
    directoryNames: [] as string[],
  };
  for (const name of names) {
    if (name.tagClass !== TagClass.context) throw new DerError('general name is not context-tagged');
    switch (name.tagNumber) {
      case 1:
        result.email.push(Buffer.from(name.value).toString('latin1'));
        break;
      case 2:
        result.dns.push(Buffer.from(name.value).toString('latin1'));
        break;
      case 4: {
        const inner = readSingle(name.value);
        if (!isUniversal(inner, Tag.sequence)) throw new DerError('directory name is not a name');
        result.directoryNames.push(parseName(inner).text);
        break;
      }
      case 6:
        result.uri.push(Buffer.from(name.value).toString('latin1'));
        break;
      case 7:
        result.ip.push(formatIp(name.value));
        break;
      default:
        break;
    }
  }
  return result;
}

function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
    return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
  }
  return `#${toHex(bytes)}`;
}

function decodeGeneralName(name: Tlv): GeneralName {
  if (name.tagClass !== TagClass.context) throw new DerError('general name is not context-tagged');
  const text = (): string => Buffer.from(name.value).toString('latin1');
  switch (name.tagNumber) {
    case 1:
      return { type: 'email', value: text() };
    case 2:
      return { type: 'dns', value: text() };
    case 4: {
      const inner = readSingle(name.value);
      if (!isUniversal(inner, Tag.sequence)) throw new DerError('directory name is not a name');
      return { type: 'directory', name: parseName(inner) };
    }
    case 6:
      return { type: 'uri', value: text() };
    case 7:
      return { type: 'ip', bytes: name.value };
    default:
      return { type: 'unsupported', tag: name.tagNumber };
  }
}

function decodeNameConstraints(value: Uint8Array): NameConstraints {
  const fields = children(expectUniversal(readSingle(value), Tag.sequence, 'name constraints'));
  const subtrees = (tag: number): GeneralName[] => {
    const field = fields.find((t) => isContext(t, tag));
    if (!field) return [];
    return children(field).map((subtree) => {
      const base = children(expectUniversal(subtree, Tag.sequence, 'general subtree'))[0];
      if (!base) throw new DerError('general subtree without a base name');
      return decodeGeneralName(base);
    });
  };
  const permitted = subtrees(0);
  const excluded = subtrees(1);
  return { permitted, excluded, empty: permitted.length === 0 && excluded.length === 0 };
}
