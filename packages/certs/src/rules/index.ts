import type { Rule } from '../engine/types.js';
import { caLetsEncrypt } from './ca-lets-encrypt.js';
import { caPublicTrust } from './ca-public-trust.js';
import { chainComplete } from './chain-complete.js';
import { chainDuplicate } from './chain-duplicate.js';
import { chainLeafFirst } from './chain-leaf-first.js';
import { chainOrder } from './chain-order.js';
import { chainRootIncluded } from './chain-root-included.js';
import { chainSignature } from './chain-signature.js';
import { chainStray } from './chain-stray.js';
import { pathCa } from './path-ca.js';
import { pathCriticalExtension } from './path-critical-extension.js';
import { pathCrl } from './path-crl.js';
import { pathKeyCertSign } from './path-key-cert-sign.js';
import { pathKeyIdentifier } from './path-key-identifier.js';
import { pathLength } from './path-length.js';
import { pathNameConstraints } from './path-name-constraints.js';
import { pathProfile } from './path-profile.js';
import { ekuClientAuth } from './eku-client-auth.js';
import { envSharedCert } from './env-shared-cert.js';
import { envSharedKey } from './env-shared-key.js';
import { keyMismatch } from './key-mismatch.js';
import { keyStrength } from './key-strength.js';
import { leafKeyUsage } from './leaf-key-usage.js';
import { leafSelfSigned } from './leaf-self-signed.js';
import { leafValidationLevel } from './leaf-validation-level.js';
import { pemFormat } from './pem-format.js';
import { pemPrivateKey } from './pem-private-key.js';
import { psd2Nca } from './psd2-nca.js';
import { psd2Qwac } from './psd2-qwac.js';
import { psd2Roles } from './psd2-roles.js';
import { revocationRevoked } from './revocation-revoked.js';
import { revocationUnknown } from './revocation-unknown.js';
import { signatureAlgorithm } from './signature-algorithm.js';
import { validityExpired } from './validity-expired.js';
import { validityExpiring } from './validity-expiring.js';
import { validityNotYetValid } from './validity-not-yet-valid.js';
import { validityShortLived } from './validity-short-lived.js';

/**
 * Every rule, in the order findings are reported: format, RFC 5280 path validation, chain structure,
 * trust, validity, usage, PSD2, environments.
 */
export const RULES = Object.freeze([
  pemFormat,
  pemPrivateKey,
  pathCa,
  pathKeyCertSign,
  pathLength,
  pathNameConstraints,
  pathCriticalExtension,
  pathKeyIdentifier,
  pathCrl,
  pathProfile,
  chainLeafFirst,
  chainOrder,
  chainSignature,
  chainComplete,
  chainRootIncluded,
  chainDuplicate,
  chainStray,
  leafSelfSigned,
  caPublicTrust,
  caLetsEncrypt,
  validityExpired,
  validityNotYetValid,
  validityExpiring,
  validityShortLived,
  revocationRevoked,
  revocationUnknown,
  ekuClientAuth,
  leafKeyUsage,
  keyStrength,
  signatureAlgorithm,
  keyMismatch,
  leafValidationLevel,
  psd2Qwac,
  psd2Roles,
  psd2Nca,
  envSharedCert,
  envSharedKey,
] as const) satisfies readonly Rule[];
