import { join } from 'node:path';
import { DEV_PKI_FILES, Secret } from '@connectpay-kit/config';
import type { SettingsIssue } from './errors.js';
import { pathFrom, readText, type SettingsContext } from './settings.js';

export const TOKEN_KEY_VARIABLE = 'CONNECTPAY_TOKEN_KEY_FILE';

export interface TokenKeyOptions {
  /** CONNECTPAY_TOKEN_KEY_FILE as set; unset means the dev PKI's key in `local` and none elsewhere. */
  readonly file: string | undefined;
  readonly context: SettingsContext;
  /**
   * The end of the warning when no key is configured outside `local`: what stops working, e.g.
   * "the OAuth endpoints answer 503 until it names a 32-byte key file (`openssl rand -base64 32`)."
   */
  readonly withoutKey: string;
  /**
   * Whether the file's text is a key tokens can be sealed with. For the OAuth tokens transport's
   * TokenCipher decides: `SettingsReading.oauthTokenKey` passes it.
   */
  readonly isUsableKey: (text: string) => boolean;
}

/**
 * The key that seals OAuth tokens at rest, shared by the gateway and the webhook receiver (they must
 * use the same one). A missing variable outside `local` is a warning (the OAuth routes answer 503),
 * an unreadable or malformed file an issue that stops the start.
 */
export function readTokenKey(
  options: TokenKeyOptions,
  issues: SettingsIssue[],
  warnings: string[],
): Secret | undefined {
  const { file, context } = options;
  const location =
    file !== undefined
      ? pathFrom(context.cwd)(file)
      : context.environment === 'local'
        ? join(context.devPkiDir, DEV_PKI_FILES.tokenEncryptionKey)
        : undefined;
  if (location === undefined) {
    warnings.push(`${TOKEN_KEY_VARIABLE} is not set: ${options.withoutKey}`);
    return undefined;
  }
  const text = readText(location, TOKEN_KEY_VARIABLE, issues);
  if (text === undefined) return undefined;
  if (!options.isUsableKey(text)) {
    issues.push({
      variable: TOKEN_KEY_VARIABLE,
      message: `${location} is not a 32-byte key (base64, hex or raw); generate one with \`openssl rand -base64 32\`.`,
    });
    return undefined;
  }
  return new Secret(text);
}
