import type { Environment } from '@connectpay-kit/hosts';
import type { LoadContext } from './context.js';
import { type ConfigSource, readEnvironmentVariables, settingOf } from './env-source.js';
import type { ConfigIssueCode } from './errors.js';
import { canonicalPath, readConfigFile, resolvePath } from './files.js';
import { describeOrigin, type ValueOrigin } from './origins.js';
import { parseCertificateChain, parsePrivateKey, publicKeyBytes } from './pem.js';
import { type FileSetting, type Setting, variableName } from './variables.js';

/**
 * The CA file is left out on purpose: it holds public trust anchors, and prod and stage may well
 * trust the same CA bundle. Every other file is a credential.
 */
const CREDENTIAL_FILE_SETTINGS = [
  'CLIENT_CERT_FILE',
  'CLIENT_KEY_FILE',
  'CLIENT_SECRET_FILE',
  'MERCHANT_KEY_FILE',
] as const;
type CredentialFileSetting = (typeof CREDENTIAL_FILE_SETTINGS)[number] & FileSetting;

/** What the profile being loaded holds, as far as it could be read. */
export interface ProfileMaterial {
  readonly files: ReadonlyMap<CredentialFileSetting, string>;
  readonly leafFingerprint256?: string;
  readonly publicKeys: ReadonlyMap<Setting, Buffer>;
}

interface OtherMaterial {
  readonly files: { readonly variable: string; readonly path: string; readonly origin: ValueOrigin }[];
  readonly leaf?: { readonly variable: string; readonly fingerprint256: string };
  readonly publicKeys: { readonly variable: string; readonly bytes: Buffer }[];
}

export function credentialFiles(ctx: LoadContext): Map<CredentialFileSetting, string> {
  const files = new Map<CredentialFileSetting, string>();
  for (const setting of CREDENTIAL_FILE_SETTINGS) {
    const origin = ctx.sources[setting];
    const given = ctx.given(setting);
    if (origin !== undefined && origin.kind !== 'dev-pki' && given !== undefined) {
      files.set(setting, canonicalPath(resolvePath(given.value, ctx.baseDir)));
    }
  }
  return files;
}

/**
 * ConnectPay recommends separate prod and stage certificates. Prod refuses to share a credential
 * file, a certificate or a key pair with stage (an error); stage is told when it shares with prod
 * (a warning), so the problem surfaces before the prod deploy does. The other profile is read on a
 * best-effort basis: what cannot be read cannot be compared, and is not this profile's problem.
 */
export function checkSharedWithOtherProfile(ctx: LoadContext, mine: ProfileMaterial, source: ConfigSource): void {
  const other = otherProfileOf(ctx.environment);
  if (other === undefined) return;
  const theirs = readOtherProfile(other, source, ctx.baseDir);
  const report = (setting: Setting, code: ConfigIssueCode, message: string): void => {
    if (ctx.environment === 'prod') ctx.issue(setting, code, message);
    else ctx.warnings.push(`${ctx.variable(setting)}: ${message}`);
  };
  const consequence =
    ctx.environment === 'prod'
      ? 'prod must not share credentials with stage (ConnectPay recommends separate prod and stage certificates): give prod its own'
      : 'a prod profile refuses to start while they are shared; give prod its own';
  const reported = new Set<Setting>();

  for (const [setting, path] of mine.files) {
    const twin = theirs.files.find((file) => file.path === path);
    if (twin === undefined) continue;
    reported.add(setting);
    report(
      setting,
      'CONFIG_PROD_SHARES_STAGE_FILE',
      `${path} is also ${twin.variable}${describeOrigin(twin.origin)}; ${consequence} file.`,
    );
  }

  if (mine.leafFingerprint256 !== undefined && !reported.has('CLIENT_CERT_FILE')) {
    if (theirs.leaf !== undefined && theirs.leaf.fingerprint256 === mine.leafFingerprint256) {
      reported.add('CLIENT_CERT_FILE');
      report(
        'CLIENT_CERT_FILE',
        'CONFIG_PROD_SHARES_STAGE_CERT',
        `its leaf certificate (SHA-256 ${mine.leafFingerprint256}) is the one in ${theirs.leaf.variable}; ${consequence} client certificate.`,
      );
    }
  }

  for (const [setting, bytes] of mine.publicKeys) {
    if (reported.has(setting)) continue;
    const twin = theirs.publicKeys.find((key) => key.bytes.equals(bytes));
    if (twin === undefined) continue;
    report(
      setting,
      'CONFIG_PROD_SHARES_STAGE_KEY',
      `holds the same key pair as ${twin.variable}; ${consequence} key (and a new certificate for it).`,
    );
  }
}

function otherProfileOf(environment: Environment): Environment | undefined {
  if (environment === 'prod') return 'stage';
  if (environment === 'stage') return 'prod';
  return undefined;
}

function readOtherProfile(environment: Environment, source: ConfigSource, baseDir: string): OtherMaterial {
  const read = readEnvironmentVariables(environment, source);
  const files: OtherMaterial['files'] = [];
  const publicKeys: OtherMaterial['publicKeys'] = [];
  let leaf: OtherMaterial['leaf'];

  for (const setting of CREDENTIAL_FILE_SETTINGS) {
    const raw = settingOf(read, environment, setting);
    if (raw === undefined) continue;
    const variable = variableName(environment, setting);
    const path = canonicalPath(resolvePath(raw.value.trim(), baseDir));
    files.push({ variable, path, origin: raw.origin });

    if (setting === 'CLIENT_SECRET_FILE') continue;
    const text = readConfigFile(path);
    if (!text.ok) continue;
    if (setting === 'CLIENT_CERT_FILE') {
      const chain = parseCertificateChain(text.text, 'a certificate');
      const first = chain.ok ? chain.certificates[0] : undefined;
      if (first !== undefined) {
        leaf = { variable, fingerprint256: first.fingerprint256 };
        publicKeys.push({ variable: `the certificate in ${variable}`, bytes: publicKeyBytes(first) });
      }
    } else {
      const key = parsePrivateKey(text.text, 'a private key');
      if (key.ok) publicKeys.push({ variable, bytes: publicKeyBytes(key.key) });
    }
  }
  return leaf === undefined ? { files, publicKeys } : { files, leaf, publicKeys };
}
