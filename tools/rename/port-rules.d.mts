// Types of port-rules.mjs, for the rename tests.
import type { PortKey } from './current.mjs';

export declare const PORT_KINDS: readonly { key: PortKey; option: string; label: string }[];
export declare const PORT_FILES: readonly string[];
export declare const NOT_DEFAULTS: Readonly<Record<string, readonly string[]>>;

export declare function portSpans(
  text: string,
  ports: Readonly<Partial<Record<PortKey, number>>>,
  exceptions?: readonly string[],
): { start: number; end: number; kind: PortKey }[];
