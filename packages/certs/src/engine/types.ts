import type { KeyObject } from 'node:crypto';
import type { Certificate } from '../certificate/certificate.js';
import type { ChainAnalysis } from '../chain/analyze.js';
import type { ParsedInput } from '../input/parse-chain-file.js';
import type { RULES } from '../rules/index.js';
import type { QcInfo } from '../qc/qc-statements.js';
import type { RevocationResult } from '../revocation/types.js';
import type { TrustStore } from '../trust/trust-store.js';

export type Severity = 'error' | 'warning' | 'info';

/** Every rule id, derived from the registry: a rule exists when it is in RULES, nowhere else. */
export type RuleId = (typeof RULES)[number]['id'];

/** A finding as a rule produces it; the engine adds the rule id and severity. */
export interface FindingDraft {
  /** What is wrong, naming the certificate(s) involved. */
  readonly message: string;
  /** What to do about it. */
  readonly hint?: string;
  /** Index (0-based, file order) of the certificate the finding is about, when it is about one. */
  readonly certificate?: number;
}

/** `Id` widens past the kit's own ids only for a report that ran `extraRules` (VerifyOptions). */
export interface Finding<Id extends string = RuleId> extends FindingDraft {
  readonly rule: Id;
  readonly severity: Severity;
}

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
  readonly qc: ReadonlyMap<Certificate, QcInfo>;
  /** psd2 option: undefined when off; the required role names (possibly none) when on. */
  readonly psd2?: readonly string[];
  readonly privateKey?: KeyObject;
  readonly compare?: ParsedInput;
}

export interface Rule<Id extends string = string> {
  readonly id: Id;
  readonly severity: Severity;
  /** One line: what the rule requires. */
  readonly title: string;
  /** Where the requirement comes from: the provider's rule text or a standard section. */
  readonly cites: readonly string[];
  appliesWhen?(context: RuleContext): boolean;
  check(context: RuleContext): FindingDraft[];
}
