import { assertUnreachable } from 'src/common/errors/assert-unreachable';

export const JURISDICTIONS = ['GDPR', 'UK_GDPR', 'CCPA'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

export const REQUEST_TYPES = [
  'access',
  'erasure',
  'rectification',
  'opt_out_sale',
  'opt_out_sharing',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

/** The rule that set a deadline, stored beside it so a later reader knows how it was computed. */
export type DeadlineRule =
  | 'gdpr-1-calendar-month'
  | 'gdpr-extended-3-calendar-months'
  | 'ccpa-45-days'
  | 'ccpa-extended-90-days'
  | 'ccpa-15-business-days';

export interface Deadline {
  dueAt: Date;
  rule: DeadlineRule;
}

export interface DeadlineOptions {
  /** Public holidays as `YYYY-MM-DD` (UTC dates), skipped when counting business days. */
  holidays?: ReadonlySet<string>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Same time of day, `months` calendar months later; when that month is shorter, its last day
 * (Jan 31 + 1 month = Feb 28, or Feb 29 in a leap year). Dates are counted in UTC.
 */
export function addCalendarMonths(from: Date, months: number): Date {
  const y = from.getUTCFullYear();
  const m = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(from.getUTCDate(), lastDay);
  return new Date(
    Date.UTC(
      y,
      m,
      day,
      from.getUTCHours(),
      from.getUTCMinutes(),
      from.getUTCSeconds(),
      from.getUTCMilliseconds(),
    ),
  );
}

export function addCalendarDays(from: Date, days: number): Date {
  return new Date(from.getTime() + days * DAY_MS);
}

/** Counts `days` business days after `from`, skipping Saturdays, Sundays and the holidays. */
export function addBusinessDays(
  from: Date,
  days: number,
  holidays: ReadonlySet<string> = new Set(),
): Date {
  let at = from;
  let left = days;
  while (left > 0) {
    at = addCalendarDays(at, 1);
    const weekday = at.getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !holidays.has(at.toISOString().slice(0, 10))) {
      left--;
    }
  }
  return at;
}

const isOptOut = (type: RequestType): boolean =>
  type === 'opt_out_sale' || type === 'opt_out_sharing';

/** The first deadline of a request received at `receivedAt`. */
export function initialDeadline(
  jurisdiction: Jurisdiction,
  type: RequestType,
  receivedAt: Date,
  options: DeadlineOptions = {},
): Deadline {
  switch (jurisdiction) {
    case 'GDPR':
    case 'UK_GDPR':
      return { dueAt: addCalendarMonths(receivedAt, 1), rule: 'gdpr-1-calendar-month' };
    case 'CCPA':
      return isOptOut(type)
        ? {
            dueAt: addBusinessDays(receivedAt, 15, options.holidays),
            rule: 'ccpa-15-business-days',
          }
        : { dueAt: addCalendarDays(receivedAt, 45), rule: 'ccpa-45-days' };
    default:
      return assertUnreachable(jurisdiction);
  }
}

/**
 * The extended deadline, or null when the jurisdiction allows none for this type. The extension
 * counts from receipt (one month + two months), so a clamped month end is not carried over.
 */
export function extendedDeadline(
  jurisdiction: Jurisdiction,
  type: RequestType,
  receivedAt: Date,
): Deadline | null {
  switch (jurisdiction) {
    case 'GDPR':
    case 'UK_GDPR':
      return { dueAt: addCalendarMonths(receivedAt, 3), rule: 'gdpr-extended-3-calendar-months' };
    case 'CCPA':
      return isOptOut(type)
        ? null
        : { dueAt: addCalendarDays(receivedAt, 90), rule: 'ccpa-extended-90-days' };
    default:
      return assertUnreachable(jurisdiction);
  }
}
