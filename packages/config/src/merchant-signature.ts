import type { Environment } from '@connectpay-kit/hosts';
import { type ConfigSource, readEnvironmentVariables, settingOf } from './env-source.js';
import { InvalidConfigError } from './errors.js';
import { ENVIRONMENT_SCHEMAS, toConfigIssues } from './schema.js';
import type { MerchantSignatureSettings } from './types.js';
import { MERCHANT_SIGNATURE_SETTINGS, type MerchantSignaturePadding, variableName } from './variables.js';

export type MerchantSignatureSetting = (typeof MERCHANT_SIGNATURE_SETTINGS)[number];

/** The same defaults as transport's DEFAULT_MERCHANT_SIGNATURE (config does not import transport). */
export const DEFAULT_MERCHANT_SIGNATURE_SETTINGS: MerchantSignatureSettings = Object.freeze({
  separator: '',
  includeQuery: true,
  padding: 'pkcs1',
});

/** Settings from schema-checked values (schema.ts normalised them); an unset one takes its default. */
export function merchantSignatureFrom(
  valueOf: (setting: MerchantSignatureSetting) => string | undefined,
): MerchantSignatureSettings {
  const separator = valueOf('MERCHANT_SIGNATURE_SEPARATOR');
  const query = valueOf('MERCHANT_SIGNATURE_QUERY');
  const padding = valueOf('MERCHANT_SIGNATURE_PADDING') as MerchantSignaturePadding | undefined;
  return Object.freeze({
    separator: separator ?? DEFAULT_MERCHANT_SIGNATURE_SETTINGS.separator,
    includeQuery: query === undefined ? DEFAULT_MERCHANT_SIGNATURE_SETTINGS.includeQuery : query === 'true',
    padding: padding ?? DEFAULT_MERCHANT_SIGNATURE_SETTINGS.padding,
  });
}

/**
 * Only the `CONNECTPAY_<ENV>_MERCHANT_SIGNATURE_*` settings (process env over `.env.<env>`), for a
 * process that verifies signatures rather than making them: apps/sandbox reads local's, so the
 * sandbox and the gateway agree without a user step. Throws `InvalidConfigError` naming each
 * invalid variable, as `loadConfig` would.
 */
export function loadMerchantSignature(environment: Environment, source: ConfigSource = {}): MerchantSignatureSettings {
  const read = readEnvironmentVariables(environment, source);
  const raw: Record<string, string> = {};
  for (const setting of MERCHANT_SIGNATURE_SETTINGS) {
    const variable = settingOf(read, environment, setting);
    if (variable !== undefined) raw[variableName(environment, setting)] = variable.value;
  }
  const parsed = ENVIRONMENT_SCHEMAS[environment].safeParse(raw);
  if (!parsed.success) throw new InvalidConfigError(environment, toConfigIssues(parsed.error, environment));
  const values: Readonly<Record<string, string | undefined>> = parsed.data;
  return merchantSignatureFrom((setting) => values[variableName(environment, setting)]);
}
