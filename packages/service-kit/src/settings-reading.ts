import type { Secret } from '@connectpay-kit/config';
import { TokenCipher } from '@connectpay-kit/transport';
import type { z } from 'zod';
import { SettingsError, type SettingsIssue } from './errors.js';
import { type KeyFileOptions, type KeyRing, readKeyFile } from './key-ring.js';
import type { ServiceDescriptor } from './service.js';
import { pathFrom, readVariables, type SettingsContext, type Variables } from './settings.js';
import { readTokenKey } from './token-key.js';

/** How `SettingsReading.url` explains a refused URL. */
export interface UrlSettingOptions {
  /** An absolute URL of the right kind, shown when the value is not one. */
  readonly example: string;
  /** Why only https will do outside `local`: the end of "must use https: …". */
  readonly httpsBecause: string;
}

/**
 * One service's settings being read: the parsed variables, the context, and the lists every reader
 * adds to (`issues` stop the start, all of them reported at once; `warnings` are logged). Its readers
 * resolve paths against the directory the service started in and know whether it runs in `local`.
 */
export class SettingsReading<Values> {
  readonly issues: SettingsIssue[] = [];
  readonly warnings: string[] = [];
  /** `context.environment === 'local'`. */
  readonly local: boolean;
  /** A path from a variable, resolved against `context.cwd`. */
  readonly path: (value: string) => string;

  constructor(
    private readonly service: Pick<ServiceDescriptor, 'displayName'>,
    readonly values: Values,
    readonly context: SettingsContext,
  ) {
    this.local = context.environment === 'local';
    this.path = pathFrom(context.cwd);
  }

  /** A key file a variable names (`readKeyFile`): in `local` its documented key is accepted too. */
  keyFile(file: string, options: Omit<KeyFileOptions, 'local'>): KeyRing {
    return readKeyFile(this.path(file), { ...options, local: this.local }, this.issues);
  }

  /**
   * The key sealing OAuth tokens at rest, from CONNECTPAY_TOKEN_KEY_FILE (`readTokenKey`): the dev
   * PKI's in `local` when unset, usable when transport's TokenCipher accepts it. `withoutKey` ends the
   * warning given outside `local` when the variable is unset: what answers 503 until it is set.
   */
  oauthTokenKey(file: string | undefined, withoutKey: string): Secret | undefined {
    return readTokenKey(
      { file, context: this.context, withoutKey, isUsableKey: (text) => TokenCipher.accepts(text) },
      this.issues,
      this.warnings,
    );
  }

  /**
   * A URL a variable gives: an absolute URL (else an issue, and undefined), https outside `local` and
   * http or https in it (else an issue; the URL is still returned, for the caller's own checks).
   */
  url(variable: string, value: string, options: UrlSettingOptions): URL | undefined {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      this.issues.push({ variable, message: `is not an absolute URL (e.g. ${options.example}).` });
      return undefined;
    }
    const allowed = this.local ? ['https:', 'http:'] : ['https:'];
    if (!allowed.includes(url.protocol)) {
      this.issues.push({ variable, message: `must use https: ${options.httpsBecause}` });
    }
    return url;
  }

  /** Throws the SettingsError naming every issue collected so far, when there is one. */
  throwIfInvalid(): void {
    if (this.issues.length > 0) throw new SettingsError(this.service, this.issues);
  }
}

/**
 * Starts reading a service's settings: parses the schema's variables out of `env` (wrong ones throw
 * a SettingsError naming each, as `readVariables` does) and returns the reading the rest adds to.
 */
export function readSettings<Shape extends z.ZodRawShape>(
  service: Pick<ServiceDescriptor, 'displayName'>,
  schema: z.ZodObject<Shape>,
  env: Variables,
  context: SettingsContext,
): SettingsReading<z.output<z.ZodObject<Shape>>> {
  return new SettingsReading(service, readVariables(service, schema, env), context);
}

/**
 * A service's settings loader, what `loadServiceConfiguration`'s and `loadServiceSettings`'s
 * `loadSettings` take: `(env, context) => read(readSettings(service, schema, env, context))`.
 */
export function settingsLoader<Shape extends z.ZodRawShape, Loaded>(
  service: Pick<ServiceDescriptor, 'displayName'>,
  schema: z.ZodObject<Shape>,
  read: (reading: SettingsReading<z.output<z.ZodObject<Shape>>>) => Loaded,
): (env: Variables, context: SettingsContext) => Loaded {
  return (env, context) => read(readSettings(service, schema, env, context));
}
