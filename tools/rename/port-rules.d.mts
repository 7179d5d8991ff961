// Types of port-rules.mjs, for the rename tests.

export declare const PORT_FILES: readonly string[];
export declare const NOT_DEFAULTS: Readonly<Record<string, readonly string[]>>;
