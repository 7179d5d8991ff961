import type { Certificate } from '../certificate/certificate.js';
import type { GeneralName, NameConstraints } from '../certificate/extensions.js';
import type { DistinguishedName } from '../certificate/name.js';

// Name constraints, RFC 5280 §4.2.1.10 and §6.1.3 (b)/(c). Forms are matched the way OpenSSL's
// nc_match does, so a chain cert-check passes is one an OpenSSL TLS server passes too.

/** Why one name of a certificate breaks one CA's constraints, or why the constraint cannot be used. */
export interface NameConstraintViolation {
  readonly name: string;
  readonly reason: string;
}

const EMAIL_ADDRESS_OID = '1.2.840.113549.1.9.1';

/** The names of `certificate` that constraints apply to: its subject DN, emailAddress attributes and SANs. */
export function constrainedNames(certificate: Certificate): GeneralName[] {
  const names: GeneralName[] = [];
  if (certificate.subject.rdns.length > 0) names.push({ type: 'directory', name: certificate.subject });
  for (const rdn of certificate.subject.rdns)
    for (const attribute of rdn)
      if (attribute.oid === EMAIL_ADDRESS_OID) names.push({ type: 'email', value: attribute.value });
  names.push(...(certificate.extensions.subjectAltNameList ?? []));
  return names;
}

/** Checks the constraints themselves: a malformed one is refused rather than read loosely. */
export function malformedConstraint(constraints: NameConstraints): string | undefined {
  if (constraints.empty) return 'it names neither permitted nor excluded subtrees (RFC 5280 forbids an empty one)';
  for (const base of [...constraints.permitted, ...constraints.excluded]) {
    if (base.type === 'dns' && !isDnsConstraint(base.value))
      return `the DNS constraint "${base.value}" is not a domain name (no wildcards or leading dots)`;
    if (base.type === 'email' && !isEmailConstraint(base.value))
      return `the email constraint "${base.value}" is neither a mailbox, a host nor a ".domain"`;
    if (base.type === 'ip' && !isIpConstraint(base.bytes))
      return `an IP constraint is not an address and a contiguous mask (${base.bytes.length} octets)`;
  }
  return undefined;
}

/**
 * Names × constraints a check may compare. OpenSSL refuses beyond 2^20 (NAME_CHECK_MAX) rather than
 * spend quadratic time on a hostile certificate; so does cert-check, with the same answer.
 */
const MAX_COMPARISONS = 1 << 20;

/** The violations of `constraints` by the names of a certificate. */
export function checkNames(names: readonly GeneralName[], constraints: NameConstraints): NameConstraintViolation[] {
  const violations: NameConstraintViolation[] = [];
  const constraintCount = constraints.permitted.length + constraints.excluded.length;
  if (names.length * constraintCount > MAX_COMPARISONS) {
    return [
      {
        name: `${names.length} names`,
        reason: `${names.length} names against ${constraintCount} constraints are more than a TLS server checks (OpenSSL refuses the chain)`,
      },
    ];
  }
  for (const name of names) {
    const shown = describeName(name);
    if (name.type === 'unsupported') {
      const constrained = [...constraints.permitted, ...constraints.excluded].some(
        (base) => base.type === 'unsupported' && base.tag === name.tag,
      );
      if (constrained)
        violations.push({ name: shown, reason: 'the CA constrains this kind of name, which cannot be checked' });
      continue;
    }
    const invalid = invalidName(name);
    // An IP address of the wrong length matches no constraint, so it is judged against every IP one.
    const related = (base: GeneralName): boolean => (invalid ? base.type === name.type : sameType(base, name));
    const excluded = constraints.excluded.filter(related);
    const permitted = constraints.permitted.filter(related);
    if (invalid && (excluded.length > 0 || permitted.length > 0)) {
      violations.push({ name: shown, reason: `${invalid}, so the CA's constraints on it cannot be checked` });
      continue;
    }
    const hit = excluded.find((base) => matches(base, name));
    if (hit) {
      violations.push({ name: shown, reason: `it falls in the excluded subtree ${describeName(hit)}` });
      continue;
    }
    if (permitted.length > 0 && !permitted.some((base) => matches(base, name)))
      violations.push({
        name: shown,
        reason: `it is outside the permitted subtrees (${permitted.map(describeName).join(', ')})`,
      });
  }
  return violations;
}

function sameType(base: GeneralName, name: GeneralName): boolean {
  if (base.type !== name.type) return false;
  if (base.type === 'ip' && name.type === 'ip') return base.bytes.length === name.bytes.length * 2;
  return true;
}

function matches(base: GeneralName, name: GeneralName): boolean {
  if (base.type === 'dns' && name.type === 'dns') return dnsMatches(base.value, name.value);
  if (base.type === 'email' && name.type === 'email') return emailMatches(base.value, name.value);
  if (base.type === 'uri' && name.type === 'uri') return uriMatches(base.value, name.value);
  if (base.type === 'ip' && name.type === 'ip') return ipMatches(base.bytes, name.bytes);
  if (base.type === 'directory' && name.type === 'directory') return directoryMatches(base.name, name.name);
  return false;
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

function isDomain(value: string): boolean {
  return value.length > 0 && value.length <= 253 && value.split('.').every((label) => LABEL.test(label));
}

function isDnsConstraint(value: string): boolean {
  // An empty dNSName constraint matches every name (RFC 5280), which some CAs use in excluded subtrees.
  return value === '' || isDomain(value);
}

function isEmailConstraint(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at >= 0) return at > 0 && isDomain(value.slice(at + 1));
  return isDomain(value.startsWith('.') ? value.slice(1) : value);
}

function isIpConstraint(bytes: Uint8Array): boolean {
  if (bytes.length !== 8 && bytes.length !== 32) return false;
  const mask = bytes.subarray(bytes.length / 2);
  let bits = '';
  for (const byte of mask) bits += byte.toString(2).padStart(8, '0');
  return /^1*0*$/.test(bits);
}

function invalidName(name: GeneralName): string | undefined {
  if (name.type === 'dns' && !isDomain(name.value.startsWith('*.') ? name.value.slice(2) : name.value))
    return `"${name.value}" is not a valid DNS name`;
  if (name.type === 'email') {
    const at = name.value.indexOf('@');
    if (at <= 0 || at !== name.value.lastIndexOf('@') || !isDomain(name.value.slice(at + 1)))
      return `"${name.value}" is not a valid email address`;
  }
  if (name.type === 'ip' && name.bytes.length !== 4 && name.bytes.length !== 16)
    return `an IP address of ${name.bytes.length} octets is not an IPv4 or IPv6 address`;
  return undefined;
}

function dnsMatches(base: string, value: string): boolean {
  if (base === '') return true;
  const b = base.toLowerCase();
  const v = value.toLowerCase();
  return v === b || v.endsWith(`.${b}`);
}

function emailMatches(base: string, value: string): boolean {
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const host = value.slice(at + 1).toLowerCase();
  const baseAt = base.lastIndexOf('@');
  if (baseAt >= 0) return base.slice(0, baseAt) === local && base.slice(baseAt + 1).toLowerCase() === host;
  const b = base.toLowerCase();
  return b.startsWith('.') ? host.endsWith(b) : host === b;
}

function uriMatches(base: string, value: string): boolean {
  let host: string;
  try {
    host = new URL(value).hostname.toLowerCase();
  } catch {
    return false;
  }
  const b = base.toLowerCase();
  return b.startsWith('.') ? host.endsWith(b) : host === b;
}

function ipMatches(base: Uint8Array, value: Uint8Array): boolean {
  const length = value.length;
  for (let i = 0; i < length; i++) {
    const mask = base[length + i] as number;
    if (((base[i] as number) & mask) !== ((value[i] as number) & mask)) return false;
  }
  return true;
}

/** The constraint's RDNs are a prefix of the name's (RFC 5280 §7.1 comparison, per RDN). */
function directoryMatches(base: DistinguishedName, name: DistinguishedName): boolean {
  const baseRdns = base.key === '' ? [] : base.key.split('/');
  const nameRdns = name.key === '' ? [] : name.key.split('/');
  if (baseRdns.length > nameRdns.length) return false;
  return baseRdns.every((rdn, position) => rdn === nameRdns[position]);
}

function describeName(name: GeneralName): string {
  switch (name.type) {
    case 'dns':
      return `DNS:${name.value}`;
    case 'email':
      return `email:${name.value}`;
    case 'uri':
      return `URI:${name.value}`;
    case 'ip':
      return `IP:${formatIpBytes(name.bytes)}`;
    case 'directory':
      return `DirName:${name.name.text || '(empty)'}`;
    case 'unsupported':
      return name.tag === 0 ? 'otherName' : `GeneralName [${name.tag}]`;
  }
}

function formatIpBytes(bytes: Uint8Array): string {
  const half = bytes.length === 8 || bytes.length === 32 ? bytes.length / 2 : bytes.length;
  const part = (slice: Uint8Array): string =>
    slice.length === 4
      ? Array.from(slice).join('.')
      : Array.from({ length: slice.length / 2 }, (_, i) =>
          (((slice[2 * i] as number) << 8) | (slice[2 * i + 1] as number)).toString(16),
        ).join(':');
  const address = part(bytes.subarray(0, half));
  return half === bytes.length ? address : `${address}/${part(bytes.subarray(half))}`;
}
