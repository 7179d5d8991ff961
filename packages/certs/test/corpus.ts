// Reads the shared corpus of real certificates in place (shared/ is always the repo root's sibling).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));

/** The instant the corpus README's findings are stated for. */
export const CORPUS_AT = new Date('2026-11-29T00:00:00Z');

export function corpusFile(relativePath: string): Buffer {
  return readFileSync(`${CORPUS_DIR}${relativePath}`);
}
