import type { KeyObject } from 'node:crypto';
import type { Certificate } from '../certificate/certificate.js';
import type { ChainAnalysis } from '../chain/analyze.js';
import type { ParsedInput } from '../input/parse-chain-file.js';
import type { PathProblem } from '../path/validate.js';
import type { QcInfo } from '../qc/qc-statements.js';
import type { RevocationResult } from '../revocation/types.js';
import type { TrustStore } from '../trust/trust-store.js';

export type Severity = 'error' | 'warning' | 'info';

export type RuleId =
  | 'pem.format'
  | 'pem.private-key'
  | 'chain.leaf-first'
  | 'chain.order'
  | 'chain.signature'
  | 'chain.complete'
  | 'chain.root-included'
  | 'chain.duplicate'
  | 'chain.stray'
  | 'path.ca'
  | 'path.key-cert-sign'
  | 'path.length'
  | 'path.name-constraints'
  | 'path.critical-extension'
  | 'path.key-identifier'
  | 'path.crl'
  | 'path.profile'
  | 'leaf.self-signed'
  | 'ca.public-trust'
  | 'ca.lets-encrypt'
  | 'validity.expired'
  | 'validity.not-yet-valid'
  | 'validity.expiring'
  | 'validity.short-lived'
  | 'revocation.revoked'
  | 'revocation.unknown'
  | 'eku.client-auth'
  | 'leaf.key-usage'
  | 'key.strength'
  | 'signature.algorithm'
  | 'key.mismatch'
  | 'leaf.validation-level'
  | 'psd2.qwac'
  | 'psd2.roles'
  | 'psd2.nca'
  | 'env.shared-cert'
  | 'env.shared-key';

export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  /** What is wrong, naming the certificate(s) involved. */
  readonly message: string;
  /** What to do about it. */
  readonly hint?: string;
  /** Index (0-based, file order) of the certificate the finding is about, when it is about one. */
  readonly certificate?: number;
}

/** A finding as a rule produces it; the engine adds the rule id and severity. */
export type FindingDraft = Omit<Finding, 'rule' | 'severity'>;

/** Everything a rule may read. Built once per verification; rules are pure functions of it. */
export interface RuleContext {
  readonly input: ParsedInput;
  readonly certificates: readonly Certificate[];
  /** Undefined only when the input holds no certificate (then only pem.* rules apply). */
  readonly chain: ChainAnalysis | undefined;
  /** The end-entity the chain is built from (may not be the first certificate). */
  readonly leaf: Certificate | undefined;
  readonly leafIndex: number | undefined;
  readonly at: Date;
  readonly warnDays: number;
  readonly trust: TrustStore;
  readonly revocation: readonly RevocationResult[];
  /** What RFC 5280 path validation found on chain.path (empty without a chain). */
  readonly pathProblems: readonly PathProblem[];
  readonly qc: ReadonlyMap<Certificate, QcInfo>;
  /** psd2 option: undefined when off; the required role names (possibly none) when on. */
  readonly psd2?: readonly string[];
  readonly privateKey?: KeyObject;
  readonly compare?: ParsedInput;
}

export interface Rule {
  readonly id: RuleId;
  readonly severity: Severity;
  /** One line: what the rule requires. */
  readonly title: string;
  /** Where the requirement comes from: the provider's rule text or a standard section. */
  readonly cites: readonly string[];
  appliesWhen?(context: RuleContext): boolean;
  check(context: RuleContext): FindingDraft[];
}
