import { InvalidSpecError } from './errors.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Either explicit dates, or a lifetime in days whose start is `startsInDays` days from `from`
 * (default now); a negative startsInDays lies in the past. Default start: one day ago, so clocks a
 * little behind still accept a fresh certificate.
 */
export type ValiditySpec =
  | { readonly notBefore?: Date; readonly notAfter?: Date }
  | { readonly days: number; readonly startsInDays?: number; readonly from?: Date };

export interface ResolvedValidity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

function checkDate(value: Date, what: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidSpecError(`validity.${what} is not a valid Date.`);
  }
  return value;
}

export function resolveValidity(
  spec: ValiditySpec | undefined,
  defaultDays: number,
  now: Date = new Date(),
): ResolvedValidity {
  if (spec !== undefined && 'days' in spec) {
    if (!Number.isFinite(spec.days) || spec.days <= 0) {
      throw new InvalidSpecError(`validity.days must be a positive number of days, got ${String(spec.days)}.`);
    }
    const startsInDays = spec.startsInDays ?? -1;
    if (!Number.isFinite(startsInDays)) {
      throw new InvalidSpecError(`validity.startsInDays must be a finite number, got ${String(startsInDays)}.`);
    }
    const from = checkDate(spec.from ?? now, 'from');
    const notBefore = new Date(from.getTime() + startsInDays * DAY_MS);
    return { notBefore, notAfter: new Date(notBefore.getTime() + spec.days * DAY_MS) };
  }
  const notBefore = checkDate(spec?.notBefore ?? new Date(now.getTime() - DAY_MS), 'notBefore');
  const notAfter = checkDate(spec?.notAfter ?? new Date(notBefore.getTime() + defaultDays * DAY_MS), 'notAfter');
  return { notBefore, notAfter };
}
