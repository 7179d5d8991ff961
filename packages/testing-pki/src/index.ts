export {
  createRoot,
  isCertificateAuthority,
  selfSigned,
  type CaIssueSpec,
  type CertificateAuthority,
  type CertificateSummary,
  type GeneratedCertificate,
  type IssueSpec,
} from './authority.js';
export { createChain, toPem, type ChainOptions, type GeneratedChain } from './chain.js';
export type { CrlOptions, CrlReasonName, GeneratedCrl, RevokedEntry } from './crl.js';
export {
  DEV_CLIENT_ID,
  DEV_PKI_FILES,
  DEV_PKI_VERSION,
  DEV_SERVER_NAMES,
  SECRET_FILES as DEV_PKI_SECRET_FILES,
  devPkiPaths,
  type DevPkiFile,
  type DevPkiManifest,
  type DevPkiPaths,
} from './dev-pki/layout.js';
export { ensureDevPki, type DevPkiResult, type EnsureDevPkiOptions } from './dev-pki/ensure-dev-pki.js';
export { generateDevPki } from './dev-pki/generate.js';
export { writeRenewableDevPki, type RenewableDevPki, type RenewedDevClient } from './dev-pki/renewable.js';
export {
  TESTING_PKI_ERROR_CODES,
  TESTING_PKI_ERROR_MEANING,
  isTestingPkiError,
  DevPkiDirectoryNotOwnedError,
  DevPkiLockedError,
  DevPkiWriteError,
  InvalidSpecError,
  TestingPkiError,
  UnsupportedKeyError,
  type TestingPkiErrorCode,
} from './errors.js';
export {
  cachedKeyPair,
  clearKeyCache,
  generateKeyPair,
  keyPairFromPrivateKey,
  type EcCurve,
  type KeyPair,
  type KeySpec,
  type ResolvedKeySpec,
  type RsaBits,
  type SigningKeyInput,
} from './keys.js';
export {
  letsEncryptHierarchy,
  type LetsEncryptChain,
  type LetsEncryptHierarchy,
  type LetsEncryptOptions,
} from './lets-encrypt.js';
export type { DistinguishedName, SubjectInput } from './names.js';
export {
  DV_POLICY,
  EKU_OIDS,
  EV_POLICY,
  IV_POLICY,
  OV_POLICY,
  PSD2_QC_STATEMENT_OID,
  PSD2_QWAC_POLICY,
  PSD2_ROLES,
  QC_COMPLIANCE_OID,
  QC_SSCD_OID,
  QC_STATEMENTS_OID,
  QC_TYPE_OID,
  QC_TYPE_OIDS,
  QEVCP_W_POLICY,
  type ExtendedKeyUsageName,
  type Psd2Role,
  type Psd2RoleName,
  type QcTypeName,
} from './oids.js';
export { psd2Qwac, type Psd2QwacOptions } from './psd2.js';
export { DEFAULT_NCA_ID, DEFAULT_NCA_NAME, type Psd2StatementSpec, type QcStatementsSpec } from './qc-statements.js';
export type { SignatureHash } from './signing.js';
export type { CertificateSpec, CustomExtension, KeyUsageName, SubjectAltNames } from './spec.js';
export type { ValiditySpec } from './validity.js';
export { x509 } from './x509.js';
