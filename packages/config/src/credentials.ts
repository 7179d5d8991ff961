import type { KeyObject, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadContext, Located } from './context.js';
import { merchantSignatureFrom } from './merchant-signature.js';
import { clientIdProblem } from './schema.js';
import { readConfigFile, resolvePath } from './files.js';
import { parseCertificateChain, parsePrivateKey } from './pem.js';
import { Secret } from './secret.js';
import type { BasicCredentials, MerchantCredentials, MerchantSignatureSettings, MtlsCredentials } from './types.js';
import {
  CREDENTIAL_SETTINGS,
  type CredentialKind,
  DEV_PKI_COMMAND,
  DEV_PKI_DEFAULTS,
  MERCHANT_SIGNATURE_SETTINGS,
  type Setting,
  variableName,
} from './variables.js';

/** What each setting should hold, for "expected ..." in messages. */
const EXPECTED: Readonly<Record<Setting, string>> = {
  MTLS_URL: 'the base URL of the two-way (mTLS) host',
  ONEWAY_URL: 'the base URL of the one-way host',
  CLIENT_CERT_FILE: 'the client certificate chain PEM, leaf first',
  CLIENT_KEY_FILE: "the client certificate's private key (PEM)",
  CA_FILE: 'PEM certificates of the CA that issued the server certificate',
  CLIENT_ID: 'the DevApp client id',
  CLIENT_SECRET_FILE: 'a file holding the DevApp client secret',
  MERCHANT_KEY_FILE: 'the merchant RSA private key (PEM) that signs X-Signature',
  MERCHANT_SIGNATURE_SEPARATOR: 'the separator between the parts of the X-Signature signing string',
  MERCHANT_SIGNATURE_QUERY: 'true or false: whether X-Signature signs the query string',
  MERCHANT_SIGNATURE_PADDING: 'pkcs1 or pss: the RSA padding of X-Signature',
  NEXT_CLIENT_CERT_FILE: 'the renewed client certificate chain PEM, leaf first',
  NEXT_CLIENT_KEY_FILE: "the renewed certificate's private key (PEM)",
  SWITCH_AT: 'the ISO 8601 instant agreed with ConnectPay to switch to the next client certificate',
};

const KIND_LABEL: Readonly<Record<CredentialKind, string>> = {
  mtls: 'mTLS APIs',
  basic: 'Basic / OAuth / merchant APIs',
  merchant: 'merchant APIs',
};

export interface LoadedMtls {
  readonly credentials: MtlsCredentials;
  readonly leaf: X509Certificate;
  readonly key: KeyObject;
}

export interface LoadedMerchant {
  readonly credentials: MerchantCredentials;
  readonly key: KeyObject;
}

export interface LoadedCa {
  readonly caFile: string;
  readonly caPem: string;
}

/**
 * Finds the variables of one credential group. A group is all-or-nothing: half a pair is an error.
 * In `local` a group whose variables are all unset falls back to the dev PKI as a whole, so a
 * custom certificate is never silently paired with the dev PKI's key.
 */
export function locateGroup(ctx: LoadContext, kind: CredentialKind): ReadonlyMap<Setting, Located> | undefined {
  const settings: readonly Setting[] = CREDENTIAL_SETTINGS[kind];
  const set = settings.filter((setting) => ctx.isSet(setting));

  if (set.length > 0 && set.length < settings.length) {
    const given = set.map((setting) => ctx.variable(setting)).join(' and ');
    const orDefault = ctx.environment === 'local' ? ', or neither to use the dev PKI' : '';
    for (const setting of settings.filter((s) => !set.includes(s))) {
      ctx.issue(
        setting,
        'CONFIG_INCOMPLETE_PAIR',
        `is not set but ${given} is; expected ${EXPECTED[setting]}. Set both${orDefault}.`,
      );
    }
    return undefined;
  }

  if (set.length === settings.length) {
    if (set.some((setting) => ctx.isInvalid(setting))) return undefined;
    return new Map(settings.map((setting) => [setting, locateGiven(ctx, setting)]));
  }

  if (ctx.environment === 'local') {
    const defaults = settings.map((setting) => devPkiDefault(ctx, setting));
    if (defaults.some((located) => existsSync(located.value))) return new Map(defaults.map((d) => [d.setting, d]));
    if (ctx.required.has(kind)) {
      for (const located of defaults) {
        ctx.issue(
          located.setting,
          'CONFIG_MISSING',
          `is not set and the dev PKI has no ${located.value}; make the dev PKI first (\`${DEV_PKI_COMMAND}\` ` +
            `in this workspace, ensureDevPki(${JSON.stringify(ctx.devPkiDir)}) from @connectpay-kit/testing-pki elsewhere), or set the variable to ` +
            `${EXPECTED[located.setting]}.`,
        );
      }
    }
    return undefined;
  }

  if (ctx.required.has(kind)) {
    for (const setting of settings) {
      ctx.issue(
        setting,
        'CONFIG_MISSING',
        `is not set; expected ${EXPECTED[setting]}. ${ctx.environment} requires it for ` +
          `${KIND_LABEL[kind]} (require: [${[...ctx.required].join(', ')}]).`,
      );
    }
  }
  return undefined;
}

function locateGiven(ctx: LoadContext, setting: Setting): Located {
  const given = ctx.given(setting);
  if (given === undefined) throw new Error(`locateGiven called for ${setting}, which is unset or invalid`);
  const value = setting.endsWith('_FILE') ? resolvePath(given.value, ctx.baseDir) : given.value;
  return { setting, value, origin: given.origin };
}

function devPkiDefault(ctx: LoadContext, setting: Setting): Located {
  const file = join(ctx.devPkiDir, DEV_PKI_DEFAULTS[setting] ?? '');
  return { setting, value: file, origin: { kind: 'dev-pki', variable: ctx.variable(setting), file } };
}

/** Reads the file a located `_FILE` setting names; an unreadable file becomes an issue. */
function readFor(ctx: LoadContext, located: Located): string | undefined {
  const read = readConfigFile(located.value);
  if (read.ok) return read.text;
  ctx.issue(located.setting, read.code, `${read.reason} Expected ${EXPECTED[located.setting]}.`, located.origin);
  return undefined;
}

function located(group: ReadonlyMap<Setting, Located>, setting: Setting): Located {
  const found = group.get(setting);
  if (found === undefined) throw new Error(`credential group lacks ${setting}`);
  return found;
}

export function loadMtls(ctx: LoadContext): LoadedMtls | undefined {
  const group = locateGroup(ctx, 'mtls');
  if (group === undefined) return undefined;
  const certFile = located(group, 'CLIENT_CERT_FILE');
  const keyFile = located(group, 'CLIENT_KEY_FILE');
  ctx.record(certFile);
  ctx.record(keyFile);

  const certText = readFor(ctx, certFile);
  const keyText = readFor(ctx, keyFile);
  const chain = certText === undefined ? undefined : parseCertificateChain(certText, EXPECTED.CLIENT_CERT_FILE);
  const key = keyText === undefined ? undefined : parsePrivateKey(keyText, EXPECTED.CLIENT_KEY_FILE);
  if (chain && !chain.ok)
    ctx.issue('CLIENT_CERT_FILE', 'CONFIG_NOT_A_CERTIFICATE', `${certFile.value} ${chain.reason}`, certFile.origin);
  if (key && !key.ok)
    ctx.issue('CLIENT_KEY_FILE', 'CONFIG_NOT_A_PRIVATE_KEY', `${keyFile.value} ${key.reason}`, keyFile.origin);
  if (!chain?.ok || !key?.ok || keyText === undefined) return undefined;

  if (chain.containsPrivateKey) {
    ctx.warnings.push(
      `${ctx.variable('CLIENT_CERT_FILE')}: ${certFile.value} also holds a private key; it was left out of certChainPem. ` +
        `Keep the key only in ${ctx.variable('CLIENT_KEY_FILE')} so the chain file can be shared safely.`,
    );
  }
  const [leaf] = chain.certificates;
  if (leaf === undefined) return undefined;
  if (!leaf.checkPrivateKey(key.key)) {
    const matching = chain.certificates.findIndex((certificate) => certificate.checkPrivateKey(key.key));
    ctx.issue(
      'CLIENT_KEY_FILE',
      'CONFIG_KEY_MISMATCH',
      matching > 0
        ? `${keyFile.value} is the key of certificate #${matching + 1} in ${certFile.value}, not of the first one: ` +
            'put the leaf certificate first in the chain file (leaf, intermediates, root).'
        : `${keyFile.value} is not the private key of the leaf certificate (the first one in ${certFile.value}); ` +
            'point both variables at the same certificate and key pair.',
      keyFile.origin,
    );
    return undefined;
  }

  return {
    credentials: {
      certFile: certFile.value,
      certChainPem: chain.pem,
      leafFingerprint256: leaf.fingerprint256,
      keyFile: keyFile.value,
      key: new Secret(keyText),
    },
    leaf,
    key: key.key,
  };
}

export function loadBasic(ctx: LoadContext): BasicCredentials | undefined {
  const group = locateGroup(ctx, 'basic');
  if (group === undefined) return undefined;
  const clientIdSetting = located(group, 'CLIENT_ID');
  const secretFile = located(group, 'CLIENT_SECRET_FILE');
  ctx.record(clientIdSetting);
  ctx.record(secretFile);

  const clientId = readClientId(ctx, clientIdSetting);
  const secretText = readFor(ctx, secretFile);
  const secret = secretText === undefined ? undefined : checkClientSecret(ctx, secretFile, secretText);
  if (clientId === undefined || secret === undefined) return undefined;
  return { clientId, clientSecretFile: secretFile.value, clientSecret: secret };
}

/** A set CLIENT_ID is the id itself; the dev PKI default is a file holding it. */
function readClientId(ctx: LoadContext, setting: Located): string | undefined {
  if (setting.origin.kind !== 'dev-pki') return setting.value;
  const read = readConfigFile(setting.value);
  if (!read.ok) {
    ctx.issue('CLIENT_ID', read.code, `${read.reason} Expected the dev PKI's client id file.`, setting.origin);
    return undefined;
  }
  const clientId = read.text.trim();
  const problem = clientIdProblem(clientId);
  if (problem !== undefined) {
    ctx.issue('CLIENT_ID', 'CONFIG_INVALID_CLIENT_ID', `the client id in ${setting.value} ${problem}`, setting.origin);
    return undefined;
  }
  return clientId;
}

function checkClientSecret(ctx: LoadContext, file: Located, text: string): Secret | undefined {
  // `echo secret > file` leaves a newline that is not part of the secret.
  const secret = text.replace(/[\r\n]+$/, '');
  if (secret === '') {
    ctx.issue(
      'CLIENT_SECRET_FILE',
      'CONFIG_FILE_EMPTY',
      `${file.value} is empty; expected ${EXPECTED.CLIENT_SECRET_FILE}.`,
      file.origin,
    );
    return undefined;
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f]/.test(secret)) {
    ctx.issue(
      'CLIENT_SECRET_FILE',
      'CONFIG_INVALID_SECRET',
      `${file.value} holds a line break or control character inside the secret; expected the client secret on one line.`,
      file.origin,
    );
    return undefined;
  }
  return new Secret(secret);
}

/** connectpay-api-notes.md: "The merchant generates a 2048-bit RSA pair". */
const MERCHANT_KEY_MIN_BITS = 2048;

export function loadMerchant(ctx: LoadContext): LoadedMerchant | undefined {
  const group = locateGroup(ctx, 'merchant');
  if (group === undefined) {
    warnUnusedSignatureSettings(ctx);
    return undefined;
  }
  const keyFile = located(group, 'MERCHANT_KEY_FILE');
  ctx.record(keyFile);

  const text = readFor(ctx, keyFile);
  if (text === undefined) return undefined;
  const key = parsePrivateKey(text, EXPECTED.MERCHANT_KEY_FILE);
  if (!key.ok) {
    ctx.issue('MERCHANT_KEY_FILE', 'CONFIG_NOT_A_PRIVATE_KEY', `${keyFile.value} ${key.reason}`, keyFile.origin);
    return undefined;
  }
  if (key.key.asymmetricKeyType !== 'rsa') {
    ctx.issue(
      'MERCHANT_KEY_FILE',
      'CONFIG_MERCHANT_KEY_NOT_RSA',
      `${keyFile.value} holds an ${key.key.asymmetricKeyType ?? 'unknown'} key; ConnectPay verifies merchant X-Signature with an RSA key pair: generate an RSA key (2048 bits or more).`,
      keyFile.origin,
    );
    return undefined;
  }
  const bits = key.key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MERCHANT_KEY_MIN_BITS) {
    ctx.issue(
      'MERCHANT_KEY_FILE',
      'CONFIG_MERCHANT_KEY_TOO_SHORT',
      `${keyFile.value} holds a ${bits}-bit RSA key; ConnectPay expects a ${MERCHANT_KEY_MIN_BITS}-bit merchant key pair: generate one with \`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:${MERCHANT_KEY_MIN_BITS}\` and register its public key.`,
      keyFile.origin,
    );
    return undefined;
  }
  return {
    credentials: { keyFile: keyFile.value, privateKey: new Secret(text), signature: loadSignature(ctx) },
    key: key.key,
  };
}

/** The signature settings (invalid ones are already issues from the schema), with their origins recorded. */
function loadSignature(ctx: LoadContext): MerchantSignatureSettings {
  for (const setting of MERCHANT_SIGNATURE_SETTINGS) {
    const given = ctx.given(setting);
    ctx.record({
      setting,
      value: given?.value ?? '',
      origin: given?.origin ?? { kind: 'default', variable: ctx.variable(setting) },
    });
  }
  return merchantSignatureFrom((setting) => ctx.given(setting)?.value);
}

/** Signature settings without a merchant key do nothing; say so rather than let them look applied. */
function warnUnusedSignatureSettings(ctx: LoadContext): void {
  const set = MERCHANT_SIGNATURE_SETTINGS.filter((setting) => ctx.isSet(setting) && !ctx.isInvalid(setting));
  if (set.length === 0) return;
  ctx.warnings.push(
    `${set.map((setting) => ctx.variable(setting)).join(', ')} ${set.length === 1 ? 'is' : 'are'} set but ` +
      `${ctx.variable('MERCHANT_KEY_FILE')} is not, so nothing is signed with ${set.length === 1 ? 'it' : 'them'}; ` +
      `set ${ctx.variable('MERCHANT_KEY_FILE')} to use the merchant APIs.`,
  );
}

/** The CA file is optional everywhere; `local` uses the dev PKI's root when it exists. */
export function loadCa(ctx: LoadContext): LoadedCa | undefined {
  let ca: Located | undefined;
  if (ctx.isSet('CA_FILE')) {
    if (ctx.isInvalid('CA_FILE')) return undefined;
    ca = locateGiven(ctx, 'CA_FILE');
  } else if (ctx.environment === 'local') {
    const fallback = devPkiDefault(ctx, 'CA_FILE');
    if (existsSync(fallback.value)) {
      ca = fallback;
    } else {
      ctx.warnings.push(
        `${variableName('local', 'CA_FILE')} is not set and the dev PKI has no ${fallback.value}: ` +
          `the sandbox's server certificate will not be trusted. Run \`${DEV_PKI_COMMAND}\` first or set the variable.`,
      );
    }
  }
  if (ca === undefined) return undefined;
  ctx.record(ca);

  const text = readFor(ctx, ca);
  if (text === undefined) return undefined;
  const chain = parseCertificateChain(text, EXPECTED.CA_FILE);
  if (!chain.ok) {
    ctx.issue('CA_FILE', 'CONFIG_NOT_A_CERTIFICATE', `${ca.value} ${chain.reason}`, ca.origin);
    return undefined;
  }
  if (chain.containsPrivateKey) {
    ctx.warnings.push(
      `${ctx.variable('CA_FILE')}: ${ca.value} also holds a private key; it was left out of caPem. A CA file needs only certificates.`,
    );
  }
  return { caFile: ca.value, caPem: chain.pem };
}
