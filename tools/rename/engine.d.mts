// Types of the parts of engine.mjs the rename tests use.
import type { PortKey } from './current.mjs';

export declare const EXIT: Readonly<{ ok: 0; unexpected: 1; usage: 2 }>;
export declare const PORT_KINDS: readonly { key: PortKey; option: string; label: string }[];
export declare const PORT_RANGE: Readonly<{ min: number; max: number }>;

export declare function compilePattern(
  pattern: string,
  ports: Readonly<Record<PortKey, number>>,
): { regex: RegExp; kinds: PortKey[] };

export declare function portSpans(
  text: string,
  patterns: readonly string[],
  ports: Readonly<Record<PortKey, number>>,
): { spans: { start: number; end: number; kind: PortKey }[]; unmatched: string[] };

export declare function defaultDisplayName(name: string): string;
export declare function kindOf(file: string): string;
