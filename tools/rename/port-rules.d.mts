// Types of port-rules.mjs, for the rename tests.

export declare const PORT_RULES: readonly { readonly file: string; readonly patterns: readonly string[] }[];
export declare const NOT_DEFAULTS: readonly { readonly file: string; readonly texts: readonly string[] }[];
