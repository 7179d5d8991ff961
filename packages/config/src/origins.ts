import type { Setting } from './variables.js';

/** Where a value came from, so a message (and `config.sources`) can point at the line to change. */
export type ValueOrigin =
  /** The process environment (or `source.env`). */
  | { readonly kind: 'env'; readonly variable: string }
  /** A `.env.<environment>` file. */
  | { readonly kind: 'env-file'; readonly variable: string; readonly file: string }
  /** The local dev PKI stood in for the unset variable. */
  | { readonly kind: 'dev-pki'; readonly variable: string; readonly file: string }
  /** The built-in default for the unset variable (provider host, sandbox, `local`). */
  | { readonly kind: 'default'; readonly variable: string }
  /** The environment was passed to `loadConfig` by the caller. */
  | { readonly kind: 'argument' };

export type ConfigSources = { readonly environment: ValueOrigin } & { readonly [S in Setting]?: ValueOrigin };

/** " [set in /app/.env.prod]" etc., appended to messages so the user knows which line to change. */
export function describeOrigin(origin: ValueOrigin): string {
  switch (origin.kind) {
    case 'env-file':
      return ` [set in ${origin.file}]`;
    case 'dev-pki':
      return ' [dev PKI default; set the variable to use another file]';
    default:
      return '';
  }
}
