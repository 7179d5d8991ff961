import { ENVIRONMENTS, type Environment, type HostKind } from '@connectpay-kit/hosts';
import { z } from 'zod';
import type { ConfigIssue, ConfigIssueCode } from './errors.js';
import { checkUrlSetting } from './url-guard.js';
import {
  DEFAULT_ENVIRONMENT,
  FLAG_VALUES,
  MERCHANT_SIGNATURE_PADDINGS,
  SETTINGS,
  type Setting,
  type VariableName,
  variableName,
} from './variables.js';

/**
 * The validated raw variables of one environment: URLs normalised, paths and ids trimmed, the
 * signature separator percent-decoded and its query flag normalised to 'true' / 'false'.
 */
export type EnvironmentVariables<E extends Environment = Environment> = {
  readonly [S in Setting as VariableName<E, S>]?: string;
};

/** Blank means unset: orchestrators often pass `VAR=` for "not configured". */
function blankToUndefined(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function issueParams(code: ConfigIssueCode): { code: ConfigIssueCode } {
  return { code };
}

function urlSchema(environment: Environment, kind: HostKind) {
  return z.string().transform((value, ctx) => {
    const checked = checkUrlSetting(environment, kind, value);
    if (checked.ok) return checked.url;
    ctx.addIssue({ code: 'custom', message: checked.reason, params: issueParams(checked.code) });
    return z.NEVER;
  });
}

const filePathSchema = z.string().refine((value) => !value.includes('\0'), {
  message: 'contains a NUL character; expected a file path.',
  params: issueParams('CONFIG_INVALID_VALUE'),
});

/** Why a client id cannot go into `Basic base64(ClientId:ClientSecret)`, or undefined when it can. */
export function clientIdProblem(clientId: string): string | undefined {
  if (clientId === '') return 'is empty; expected the DevApp client id from the ConnectPay portal.';
  if (clientId.includes(':')) {
    return "contains ':', which Basic auth uses to separate the client id from the secret; expected the DevApp client id.";
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\s\u0000-\u001f\u007f]/.test(clientId)) {
    return 'contains whitespace or control characters; expected the DevApp client id on its own.';
  }
  return undefined;
}

const clientIdSchema = z.string().superRefine((value, ctx) => {
  const problem = clientIdProblem(value);
  if (problem !== undefined) {
    ctx.addIssue({ code: 'custom', message: problem, params: issueParams('CONFIG_INVALID_CLIENT_ID') });
  }
});

/**
 * The separator is percent-decoded because an env or compose file cannot carry leading or trailing
 * white space reliably, nor a newline: `%20` is a space, `%0A` a newline, `%25` a literal `%`.
 * Anything else is taken as written (`|`, `&`, `::`); unset or blank is the empty separator.
 */
export function decodeSeparator(value: string): { ok: true; separator: string } | { ok: false; reason: string } {
  try {
    return { ok: true, separator: decodeURIComponent(value) };
  } catch {
    return {
      ok: false,
      reason:
        "has a '%' that does not start a %XX escape of UTF-8; expected the separator as written (e.g. |) with " +
        '%20 for a space, %0A for a newline and %25 for a literal %, or unset for no separator.',
    };
  }
}

const separatorSchema = z.string().transform((value, ctx) => {
  const decoded = decodeSeparator(value);
  if (decoded.ok) return decoded.separator;
  ctx.addIssue({ code: 'custom', message: decoded.reason, params: issueParams('CONFIG_INVALID_VALUE') });
  return z.NEVER;
});

const ALL_FLAG_VALUES: readonly string[] = [...FLAG_VALUES.true, ...FLAG_VALUES.false];

/** Normalised to 'true' or 'false'. */
const querySchema = z.string().transform((value, ctx) => {
  if (ALL_FLAG_VALUES.includes(value))
    return (FLAG_VALUES.true as readonly string[]).includes(value) ? 'true' : 'false';
  ctx.addIssue({
    code: 'custom',
    message:
      'must be true or false (1/0 and yes/no also work): true signs the query string as part of the URL, ' +
      'false signs the URL without it. Unset means true.',
    params: issueParams('CONFIG_INVALID_VALUE'),
  });
  return z.NEVER;
});

const paddingSchema = z.string().superRefine((value, ctx) => {
  if ((MERCHANT_SIGNATURE_PADDINGS as readonly string[]).includes(value)) return;
  ctx.addIssue({
    code: 'custom',
    message:
      'must be pkcs1 (RSASSA-PKCS1-v1_5) or pss (RSASSA-PSS, salt length = digest length), in lower case. ' +
      'Unset means pkcs1.',
    params: issueParams('CONFIG_INVALID_VALUE'),
  });
});

/**
 * An ISO 8601 instant with its offset (`2027-03-01T06:00:00Z`, `2027-03-01T07:00:00+01:00`), normalised
 * to UTC. A date or a time without an offset is refused: the switch is agreed with ConnectPay to the
 * minute, and a server's local time zone must not move it.
 */
const switchAtSchema = z.string().transform((value, ctx) => {
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
  const at = Date.parse(value);
  if (iso.test(value) && Number.isFinite(at)) return new Date(at).toISOString();
  ctx.addIssue({
    code: 'custom',
    message:
      'must be an ISO 8601 instant with its offset, e.g. 2027-03-01T06:00:00Z: the moment agreed with ConnectPay to switch to the next client certificate.',
    params: issueParams('CONFIG_INVALID_VALUE'),
  });
  return z.NEVER;
});

function settingSchema(environment: Environment, setting: Setting): z.ZodType<string | undefined> {
  switch (setting) {
    case 'MTLS_URL':
      return urlSchema(environment, 'mtls').optional();
    case 'ONEWAY_URL':
      return urlSchema(environment, 'oneway').optional();
    case 'CLIENT_ID':
      return clientIdSchema.optional();
    case 'MERCHANT_SIGNATURE_SEPARATOR':
      return separatorSchema.optional();
    case 'MERCHANT_SIGNATURE_QUERY':
      return querySchema.optional();
    case 'MERCHANT_SIGNATURE_PADDING':
      return paddingSchema.optional();
    case 'SWITCH_AT':
      return switchAtSchema.optional();
    default:
      return filePathSchema.optional();
  }
}

/**
 * The zod schema of one environment's variables (`CONNECTPAY_<ENV>_*`). It checks each value on its
 * own (URL rules, client id shape, signature options); files are read and cross-checked by `loadConfig`.
 */
export function environmentSchema<E extends Environment>(
  environment: E,
): z.ZodType<EnvironmentVariables<E>, Readonly<Record<string, string | undefined>>> {
  const shape = Object.fromEntries(
    SETTINGS.map((setting) => [
      variableName(environment, setting),
      z.preprocess(blankToUndefined, settingSchema(environment, setting)),
    ]),
  );
  return z.object(shape) as unknown as z.ZodType<EnvironmentVariables<E>, Readonly<Record<string, string | undefined>>>;
}

export const ENVIRONMENT_SCHEMAS: { readonly [E in Environment]: ReturnType<typeof environmentSchema<E>> } =
  Object.freeze({
    local: environmentSchema('local'),
    stage: environmentSchema('stage'),
    prod: environmentSchema('prod'),
  });

/** `CONNECTPAY_ENV`: local (default when unset or blank), stage or prod. */
export const CONNECTPAY_ENV_SCHEMA: z.ZodType<Environment, string | undefined> = z.preprocess(
  blankToUndefined,
  z.enum(ENVIRONMENTS).default(DEFAULT_ENVIRONMENT),
) as unknown as z.ZodType<Environment, string | undefined>;

/** zod issues -> config issues, keeping the codes the custom checks attached. */
export function toConfigIssues(error: z.ZodError, environment: Environment): ConfigIssue[] {
  return error.issues.map((issue) => {
    const variable = typeof issue.path[0] === 'string' ? issue.path[0] : `CONNECTPAY_${environment.toUpperCase()}_*`;
    const params = issue.code === 'custom' ? (issue.params as { code?: ConfigIssueCode } | undefined) : undefined;
    return { variable, code: params?.code ?? 'CONFIG_INVALID_VALUE', message: issue.message };
  });
}
