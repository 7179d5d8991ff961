import { UnreadableInputError } from '../errors.js';
import { parseChainFile, type ParsedInput } from './parse-chain-file.js';

/** What the public functions accept as a chain: file bytes, PEM text, or an already parsed input. */
export type ChainInput = ParsedInput | string | Uint8Array;

export function isParsedInput(input: unknown): input is ParsedInput {
  return (
    typeof input === 'object' &&
    input !== null &&
    !(input instanceof Uint8Array) &&
    Array.isArray((input as ParsedInput).certificates)
  );
}

export function toParsedInput(input: ChainInput, fileName?: string): ParsedInput {
  if (isParsedInput(input)) return input;
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new UnreadableInputError(
      'The chain must be given as PEM text, file bytes (Uint8Array) or the result of parseChainFile.',
    );
  }
  return parseChainFile(input, fileName);
}
