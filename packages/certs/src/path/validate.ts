import type { Certificate } from '../certificate/certificate.js';
import type { NameConstraints } from '../certificate/extensions.js';
import type { PathElement } from '../chain/analyze.js';
import { Oid } from '../oids.js';
import { element } from '../rules/describe.js';
import { checkNames, constrainedNames, malformedConstraint } from './name-constraints.js';

// RFC 5280 §6.1 path validation, the stage that runs on the built path before the provider's rules:
// what an OpenSSL TLS server checks on each certificate of a client chain, reported per certificate
// instead of stopping at the first failure. Signatures and validity per link are the chain.signature and
// validity.* rules; revocation (with CRL validation) is revocation.* and path.crl.

/** The path checks, each reported by the rule `path.<check>`. */
export type PathCheck =
  'ca' | 'key-cert-sign' | 'length' | 'name-constraints' | 'critical-extension' | 'key-identifier' | 'profile';

export interface PathProblem {
  readonly check: PathCheck;
  /** Position in the path, 0 = the leaf. */
  readonly position: number;
  readonly message: string;
  readonly hint: string;
}

/**
 * Critical extensions the engine evaluates. Any other critical extension makes the certificate unusable,
 * as RFC 5280 §4.2 requires and as OpenSSL answers ("unhandled critical extension"). Policy extensions
 * (policyConstraints, inhibitAnyPolicy, policyMappings) are not evaluated, so critical ones are refused
 * rather than ignored, as Go's crypto/x509 does.
 */
export const UNDERSTOOD_CRITICAL_EXTENSIONS: ReadonlySet<string> = new Set([
  Oid.basicConstraints,
  Oid.keyUsage,
  Oid.extKeyUsage,
  Oid.subjectAltName,
  Oid.nameConstraints,
  Oid.certificatePolicies,
]);

const ASK_CA = 'ask your CA for a chain whose CA certificates are issued for signing certificates';

/** Checks every link of `path` (leaf first) and returns each problem found, leaf first. */
export function validatePath(path: readonly PathElement[]): PathProblem[] {
  const problems: PathProblem[] = [];
  const add = (check: PathCheck, position: number, message: string, hint: string): void => {
    problems.push({ check, position, message, hint });
  };
  path.forEach((item, position) => {
    const certificate = item.certificate;
    const who = element(item);
    checkCriticalExtensions(certificate, who, (message, hint) => add('critical-extension', position, message, hint));
    if (position > 0) checkIssuer(path, position, who, add);
    else checkLeaf(certificate, who, add);
    const issuer =
      position === path.length - 1 && certificate.selfSigned ? certificate : path[position + 1]?.certificate;
    const brokenLink = path[position + 1]?.link?.status === 'bad-signature';
    const mismatch = issuer && !brokenLink ? keyIdentifierMismatch(certificate, issuer) : undefined;
    if (mismatch && issuer) {
      add(
        'key-identifier',
        position,
        `the authority key identifier of ${who} ${mismatch} of ${issuer === certificate ? 'itself' : element(path[position + 1] as PathElement)}, so a TLS server (OpenSSL) does not take that certificate for its issuer`,
        'ask your CA for the certificate whose key identifiers match the CA certificate that signed it',
      );
    }
    for (const [message, hint] of profileDefects(certificate, position, path.length))
      add('profile', position, `${who} ${message}`, hint);
  });
  return problems.sort((a, b) => a.position - b.position);
}

/** How the AKI of `certificate` contradicts `issuer` (RFC 5280 §4.2.1.1, OpenSSL's X509_check_akid). */
function keyIdentifierMismatch(certificate: Certificate, issuer: Certificate): string | undefined {
  const ext = certificate.extensions;
  const ski = issuer.extensions.subjectKeyIdentifier;
  if (ext.authorityKeyIdentifier !== undefined && ski !== undefined && ext.authorityKeyIdentifier !== ski)
    return 'does not match the subject key identifier';
  if (ext.authorityCertSerial !== undefined && ext.authorityCertSerial !== issuer.serialNumber)
    return 'names another serial number than that';
  const names = ext.authorityCertIssuer?.filter((name) => name.type === 'directory') ?? [];
  if (names.length > 0 && !names.some((name) => name.type === 'directory' && name.name.key === issuer.issuer.key))
    return 'names another issuer than that';
  return undefined;
}

type Add = (check: PathCheck, position: number, message: string, hint: string) => void;

function checkCriticalExtensions(
  certificate: Certificate,
  who: string,
  add: (message: string, hint: string) => void,
): void {
  for (const extension of certificate.extensions.list) {
    if (!extension.critical || UNDERSTOOD_CRITICAL_EXTENSIONS.has(extension.oid)) continue;
    const precertificate = extension.oid === Oid.ctPrecertificatePoison;
    add(
      `${who} has a critical extension that a TLS server cannot process (${extensionName(extension.oid)}), so the server refuses the chain ("unhandled critical extension")`,
      // A CT precertificate (RFC 6962 §3.1) is what a CA logs before issuing, often what a CT log search
      // finds: the certificate to use is the one the CA issued afterwards.
      precertificate
        ? 'this is a Certificate Transparency precertificate, not the certificate your CA issued: take the issued certificate from your CA (or QTSP), not from a CT log'
        : 'ask your CA to re-issue the certificate without marking that extension critical',
    );
  }
}

function checkIssuer(path: readonly PathElement[], position: number, who: string, add: Add): void {
  const issuer = (path[position] as PathElement).certificate;
  const child = element(path[position - 1] as PathElement);
  const constraints = issuer.extensions.basicConstraints;
  const v1Root = issuer.version === 1 && issuer.selfSigned && position === path.length - 1;
  if (!constraints?.ca && !v1Root) {
    add(
      'ca',
      position,
      `${who} issued ${child} but is not a CA certificate (${constraints ? 'basicConstraints cA is FALSE' : 'it has no basicConstraints extension'}); a TLS server refuses a certificate issued by it`,
      `${ASK_CA} (basicConstraints cA=TRUE), or for the intermediate that really issued your certificate`,
    );
  }
  const usage = issuer.extensions.keyUsage;
  if (usage && !usage.includes('keyCertSign')) {
    add(
      'key-cert-sign',
      position,
      `${who} issued ${child} but its key usage does not allow signing certificates (no keyCertSign: ${usage.join(', ') || 'empty'})`,
      `${ASK_CA} (keyUsage keyCertSign)`,
    );
  }
  const limit = constraints?.ca ? constraints.pathLength : undefined;
  if (limit !== undefined) {
    // Self-issued intermediates (key rollover) do not count against the limit (RFC 5280 §6.1.4 (l)).
    let below = 0;
    for (let q = 1; q < position; q++) if (!(path[q] as PathElement).certificate.selfIssued) below++;
    if (below > limit) {
      add(
        'length',
        position,
        `${who} allows at most ${limit} intermediate CA certificate${limit === 1 ? '' : 's'} below it (pathLenConstraint ${limit}), but the chain has ${below}`,
        'the chain goes through more CA levels than the CA allows: ask your CA for the chain that issued your certificate directly',
      );
    }
  }
  const nameConstraints = issuer.extensions.nameConstraints;
  if (nameConstraints) checkNameConstraints(path, position, who, nameConstraints, add);
}

function checkNameConstraints(
  path: readonly PathElement[],
  position: number,
  who: string,
  constraints: NameConstraints,
  add: Add,
): void {
  const malformed = malformedConstraint(constraints);
  if (malformed) {
    add(
      'name-constraints',
      position,
      `${who} carries name constraints that cannot be evaluated: ${malformed}`,
      'a TLS server refuses every certificate below such a CA: ask your CA for a corrected CA certificate',
    );
    return;
  }
  for (let q = position - 1; q >= 0; q--) {
    const below = path[q] as PathElement;
    // RFC 5280 §6.1.3 (b): constraints do not apply to self-issued intermediates, only to the leaf.
    if (q > 0 && below.certificate.selfIssued) continue;
    for (const violation of checkNames(constrainedNames(below.certificate), constraints)) {
      add(
        'name-constraints',
        q,
        `${element(below)} has the name ${violation.name}, which ${who} does not allow: ${violation.reason}`,
        'the CA is not allowed to issue for that name: ask your CA for a certificate whose subject and alternative names are within its constraints',
      );
    }
  }
}

function checkLeaf(leaf: Certificate, who: string, add: Add): void {
  if (leaf.extensions.nameConstraints && !leaf.isCA) {
    add(
      'name-constraints',
      0,
      `${who} is not a CA certificate but carries name constraints, which only a CA certificate may have (RFC 5280 §4.2.1.10)`,
      'ask your CA to re-issue the certificate without a name constraints extension',
    );
  }
}

/** RFC 5280 profile defects that strict validators refuse and an OpenSSL TLS server lets through. */
function profileDefects(certificate: Certificate, position: number, length: number): [string, string][] {
  const defects: [string, string][] = [];
  const ext = certificate.extensions;
  const criticalOf = (oid: string): boolean | undefined => ext.list.find((e) => e.oid === oid)?.critical;
  const reissue = 'a strict validator refuses it; ask your CA to re-issue it to the RFC 5280 profile';
  const isTop = position === length - 1;
  if (certificate.version < 3 && !(isTop && certificate.selfSigned))
    defects.push([`is an X.509 version ${certificate.version} certificate, which cannot carry extensions`, reissue]);
  if (!certificate.selfSigned && ext.authorityKeyIdentifier === undefined)
    defects.push([
      'has no authority key identifier (RFC 5280 §4.2.1.1 requires one on every certificate but a self-signed root)',
      reissue,
    ]);
  if (certificate.isCA && ext.subjectKeyIdentifier === undefined)
    defects.push(['is a CA certificate without a subject key identifier (RFC 5280 §4.2.1.2)', reissue]);
  if (certificate.isCA && criticalOf(Oid.basicConstraints) === false)
    defects.push(['is a CA certificate whose basicConstraints extension is not marked critical', reissue]);
  if (ext.nameConstraints && criticalOf(Oid.nameConstraints) === false)
    defects.push(['has a name constraints extension that is not marked critical', reissue]);
  if (criticalOf(Oid.policyConstraints) === false)
    defects.push(['has a policy constraints extension that is not marked critical', reissue]);
  if (!certificate.isCA && ext.keyUsage?.includes('keyCertSign'))
    defects.push(['allows signing certificates (keyCertSign) although it is not a CA certificate', reissue]);
  if (certificate.subject.rdns.length === 0 && criticalOf(Oid.subjectAltName) !== true)
    defects.push(['has an empty subject and a subjectAltName extension that is not marked critical', reissue]);
  if (certificate.issuer.rdns.length === 0) defects.push(['has an empty issuer name', reissue]);
  const serial = certificate.serialOctets;
  if (serial.length > 20)
    defects.push([`has a serial number of ${serial.length} octets (at most 20 allowed)`, reissue]);
  else if (((serial[0] as number) & 0x80) !== 0) defects.push(['has a negative serial number', reissue]);
  else if (serial.every((byte) => byte === 0)) defects.push(['has the serial number 0', reissue]);
  return defects;
}

const EXTENSION_NAMES: Record<string, string> = {
  [Oid.authorityKeyIdentifier]: 'authorityKeyIdentifier',
  [Oid.subjectKeyIdentifier]: 'subjectKeyIdentifier',
  [Oid.authorityInfoAccess]: 'authorityInfoAccess',
  [Oid.crlDistributionPoints]: 'cRLDistributionPoints',
  [Oid.policyConstraints]: 'policyConstraints',
  [Oid.policyMappings]: 'policyMappings',
  [Oid.inhibitAnyPolicy]: 'inhibitAnyPolicy',
  [Oid.issuerAltName]: 'issuerAltName',
  [Oid.qcStatements]: 'qcStatements',
  [Oid.ctPrecertificatePoison]: 'CT precertificate poison',
};

function extensionName(oid: string): string {
  const name = EXTENSION_NAMES[oid];
  return name ? `${name}, ${oid}` : `unknown extension ${oid}`;
}
