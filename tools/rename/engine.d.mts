// Types of the parts of engine.mjs the rename tests use.
import type { PortKey } from './current.mjs';

export declare const PORT_KINDS: readonly { key: PortKey; option: string; label: string }[];

export declare function portSpans(
  text: string,
  ports: Readonly<Record<PortKey, number>>,
  exceptions?: readonly string[],
): { start: number; end: number; kind: PortKey }[];
