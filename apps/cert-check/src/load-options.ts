import {
  CertsError,
  createTrustStore,
  loadCertificatePool,
  type CertificatePool,
  type TrustStore,
  type VerifyOptions,
} from '@connectpay-kit/certs';
import { UsageError } from './errors.js';
import { readInputFile } from './files.js';
import { parseAt, parsePsd2, parseWarnDays, type VerifyFlags } from './options.js';

/**
 * Reads the files the flags name and builds what every verification of the run shares: the trust
 * store and intermediates pool are parsed once, not once per chain file.
 */
export function loadVerifyOptions(flags: VerifyFlags): VerifyOptions {
  const at = parseAt(flags.at) ?? new Date();
  const warnDays = parseWarnDays(flags.warnDays);
  const psd2 = parsePsd2(flags.psd2);
  const trust = loadTrust(flags.trust ?? []);
  const intermediates = flags.intermediates === undefined ? undefined : loadPool(flags.intermediates);
  return {
    at,
    warnDays,
    offline: flags.offline === true,
    ...(trust === undefined ? {} : { trust }),
    ...(intermediates === undefined ? {} : { intermediates }),
    ...(flags.crl === undefined ? {} : { crls: flags.crl.map((file) => readInputFile(file)) }),
    // The key's text goes straight to the engine, which never echoes it.
    ...(flags.key === undefined ? {} : { privateKeyPem: readInputFile(flags.key).toString('latin1') }),
    ...(flags.compare === undefined ? {} : { compare: readInputFile(flags.compare) }),
    ...(psd2 === undefined ? {} : { psd2 }),
  };
}

export function loadTrust(files: readonly string[]): TrustStore | undefined {
  if (files.length === 0) return undefined;
  const texts = files.map((file) => readInputFile(file).toString('latin1'));
  try {
    return createTrustStore(texts);
  } catch (error) {
    if (!(error instanceof CertsError)) throw error;
    // Name the file at fault rather than its position among the --trust flags.
    const culprit = files.find((_file, position) => {
      try {
        createTrustStore([texts[position] as string]);
        return false;
      } catch {
        return true;
      }
    });
    throw new UsageError(`--trust ${culprit ?? files.join(', ')}: ${error.message}`);
  }
}

export function loadPool(file: string): CertificatePool {
  const bytes = readInputFile(file);
  try {
    return loadCertificatePool(bytes);
  } catch (error) {
    if (error instanceof CertsError) throw new UsageError(`--intermediates ${file}: ${error.message}`);
    throw error;
  }
}
