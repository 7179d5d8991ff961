import type { Environment } from '@connectpay-kit/hosts';
import { type EnvironmentRead, settingOf } from './env-source.js';
import type { ConfigIssue, ConfigIssueCode } from './errors.js';
import { describeOrigin, type ValueOrigin } from './origins.js';
import { type CredentialKind, type Setting, variableName } from './variables.js';

/** A setting's value (an absolute path for `_FILE` settings) and where it came from. */
export interface Located {
  readonly setting: Setting;
  readonly value: string;
  readonly origin: ValueOrigin;
}

/** What one load accumulates: problems are collected, never thrown, so all are reported at once. */
export class LoadContext {
  readonly issues: ConfigIssue[] = [];
  readonly warnings: string[] = [];
  readonly sources: Partial<Record<Setting, ValueOrigin>> = {};

  constructor(
    readonly environment: Environment,
    readonly read: EnvironmentRead,
    /** Values that passed the schema; a variable that failed it is absent here and listed in `invalid`. */
    readonly valid: Readonly<Record<string, string | undefined>>,
    readonly invalid: ReadonlySet<string>,
    readonly baseDir: string,
    readonly devPkiDir: string,
    readonly required: ReadonlySet<CredentialKind>,
  ) {}

  variable(setting: Setting): string {
    return variableName(this.environment, setting);
  }

  /** Set (non-blank) in the environment or env file, whether or not the value is valid. */
  isSet(setting: Setting): boolean {
    return settingOf(this.read, this.environment, setting) !== undefined;
  }

  isInvalid(setting: Setting): boolean {
    return this.invalid.has(this.variable(setting));
  }

  /** The schema-checked value of a set variable, with its origin. */
  given(setting: Setting): { readonly value: string; readonly origin: ValueOrigin } | undefined {
    const raw = settingOf(this.read, this.environment, setting);
    const value = this.valid[this.variable(setting)];
    return raw === undefined || value === undefined ? undefined : { value, origin: raw.origin };
  }

  issue(setting: Setting, code: ConfigIssueCode, message: string, origin?: ValueOrigin): void {
    this.issues.push({
      variable: this.variable(setting),
      code,
      message: message + (origin ? describeOrigin(origin) : ''),
    });
  }

  record(located: Located): void {
    this.sources[located.setting] = located.origin;
  }
}
