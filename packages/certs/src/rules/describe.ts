import type { Certificate } from '../certificate/certificate.js';
import type { PathElement } from '../chain/analyze.js';

/** "1st", "2nd", "3rd", "11th": positions in messages are 1-based words, never bare indexes. */
export function ordinal(position: number): string {
  const tens = position % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][position % 10] ?? 'th');
  return `${position}${suffix}`;
}

/** `the 2nd certificate ("R10")` for the input certificate at 0-based `index`. */
export function certificateAt(index: number, certificate: Certificate): string {
  return `the ${ordinal(index + 1)} certificate ("${certificate.label}")`;
}

/** Describes a path element whether it came from the file or was found in the pool / trust store. */
export function element(element: PathElement): string {
  if (element.index !== undefined) return certificateAt(element.index, element.certificate);
  return `"${element.certificate.label}" (from the ${element.source === 'pool' ? 'intermediates pool' : 'trust store'}, not in the file)`;
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export const FIX_HINT = 'run `cert-check fix` to order the chain, drop extra certificates and add missing ones';
