export { parseChainFile } from './input/parse-chain-file.js';
export type {
  InputFormat,
  InputProblem,
  InputProblemKind,
  ParsedInput,
  PrivateKeyBlock,
} from './input/parse-chain-file.js';
export type { ChainInput } from './input/coerce.js';
export { verifyChain } from './verify.js';
export type { VerifyOptions } from './verify.js';
export type { CertificateSummary, ChainLink, Report } from './report.js';
export type { Finding, FindingDraft, Rule, RuleContext, RuleId, Severity } from './engine/types.js';
export type { RuleSelection } from './engine/run.js';
export { RULES } from './rules/index.js';
export { Certificate } from './certificate/certificate.js';
export type { SignatureAlgorithm } from './certificate/certificate.js';
export type { DistinguishedName, NameAttribute } from './certificate/name.js';
export type { CertificateExtensions, KeyUsageName, SubjectAltNames } from './certificate/extensions.js';
export type { KeyAlgorithm, PublicKeyInfo } from './certificate/public-key.js';
export { loadCertificatePool } from './trust/certificate-pool.js';
export type { CertificatePool } from './trust/certificate-pool.js';
export { TrustStore, createTrustStore } from './trust/trust-store.js';
export type { TrustStoreOptions } from './trust/trust-store.js';
export type { PoolInput, TrustInput } from './options.js';
export type { PathSource } from './chain/analyze.js';
export type { RevocationResult, RevocationStatus } from './revocation/types.js';
export { PSD2_ROLES } from './oids.js';
export type { Psd2RoleName } from './oids.js';
export {
  CERTS_ERROR_CODES,
  CERTS_ERROR_MEANING,
  isCertsError,
  CertsError,
  InternalCertsError,
  InvalidOptionError,
  NoCertificateError,
  UnreadableInputError,
  UnreadableOptionInputError,
  UnreadablePrivateKeyError,
} from './errors.js';
export type { CertsErrorCode } from './errors.js';
export { fixChain } from './fix.js';
export type { FixOptions, FixResult } from './fix.js';
export { inspect } from './inspect.js';
export type { CertificateDetails } from './inspect.js';
export { daysUntilExpiry } from './expiry.js';
export type { CertificateExpiry, ChainExpiry } from './expiry.js';
export { prepareBundle } from './bundle.js';
export type { BundleFile, BundlePlan } from './bundle.js';
export type { Psd2Role, Psd2Statement, QcInfo } from './qc/qc-statements.js';
export { CSR_KEY_TYPES, checkCsr, createCsr } from './csr.js';
export type { CsrCheck, CsrKeyType, CsrOptions, CsrResult } from './csr.js';
export { probeFacts, probeHandshake } from './probe.js';
export type { ProbeCertificate, ProbeOptions, ProbeReport, ProbeVerdict } from './probe.js';
