import { DateTime } from 'luxon';
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

/** Where each jurisdiction counts its days unless configured otherwise. */
export const DEFAULT_TIME_ZONES: Readonly<Record<Jurisdiction, string>> = {
  GDPR: 'Europe/Brussels',
  UK_GDPR: 'Europe/London',
  CCPA: 'America/Los_Angeles',
};

/**
 * The rule that set a deadline, stored beside it so a later reader knows how it was computed.
 * The GDPR rules follow Regulation 1182/71 (a month ends on the same date, or the month's last
 * day, and a period ending on a Saturday, Sunday or holiday runs to the next working day).
 */
export type DeadlineRule =
  | 'gdpr-1-calendar-month'
  | 'gdpr-extended-3-calendar-months'
  | 'ccpa-45-days'
  | 'ccpa-extended-90-days'
  | 'ccpa-15-business-days'
  | 'ccpa-acknowledge-10-business-days';

export const DEADLINE_RULES: readonly DeadlineRule[] = [
  'gdpr-1-calendar-month',
  'gdpr-extended-3-calendar-months',
  'ccpa-45-days',
  'ccpa-extended-90-days',
  'ccpa-15-business-days',
  'ccpa-acknowledge-10-business-days',
];

export interface Deadline {
  /** The end (last millisecond) of the last day of the period, in the calendar's zone. */
  dueAt: Date;
  rule: DeadlineRule;
}

/** Where and how a jurisdiction counts days. */
export interface Calendar {
  /** IANA time zone the days are counted in. */
  zone: string;
  /** Public holidays as local `YYYY-MM-DD` dates: no working or business day. */
  holidays: ReadonlySet<string>;
}

const isOptOut = (type: RequestType): boolean =>
  type === 'opt_out_sale' || type === 'opt_out_sharing';

/** The local day the request arrived on; it is not counted (Regulation 1182/71 Art. 3(1)). */
function receiptDay(receivedAt: Date, calendar: Calendar): DateTime {
  const day = DateTime.fromJSDate(receivedAt, { zone: calendar.zone }).startOf('day');
  if (!day.isValid) {
    throw new RangeError(`Cannot count days in time zone ${calendar.zone}`);
  }
  return day;
}

/**
 * The instants (ms) the local day of `receivedAt` starts and ends at: every deadline here is a
 * function of that day alone.
 */
export function receiptDayBounds(
  receivedAt: Date,
  calendar: Calendar,
): { from: number; to: number } {
  const day = receiptDay(receivedAt, calendar);
  return { from: day.toMillis(), to: day.plus({ days: 1 }).toMillis() };
}

const isWorkingDay = (day: DateTime, calendar: Calendar): boolean =>
  day.weekday <= 5 && !calendar.holidays.has(day.toISODate() ?? '');

/** The day itself when it is a working day, else the next working day. */
function onOrAfterWorkingDay(day: DateTime, calendar: Calendar): DateTime {
  let at = day;
  while (!isWorkingDay(at, calendar)) {
    at = at.plus({ days: 1 });
  }
  return at;
}

/** The `count`-th working day after `day`. */
function addBusinessDays(day: DateTime, count: number, calendar: Calendar): DateTime {
  let at = day;
  for (let left = count; left > 0;) {
    at = at.plus({ days: 1 });
    if (isWorkingDay(at, calendar)) {
      left--;
    }
  }
  return at;
}

/**
 * Luxon keeps the date and clamps to the month's last day (31 Jan + 1 month = 28 or 29 Feb),
 * which is Regulation 1182/71 Art. 3(2)(c); Art. 3(4) then moves a non-working last day on.
 */
const monthsLater = (day: DateTime, months: number, calendar: Calendar): DateTime =>
  onOrAfterWorkingDay(day.plus({ months }), calendar);

const endOf = (day: DateTime, rule: DeadlineRule): Deadline => ({
  dueAt: day.endOf('day').toJSDate(),
  rule,
});

/** The first deadline of a request received at `receivedAt`. */
export function initialDeadline(
  jurisdiction: Jurisdiction,
  type: RequestType,
  receivedAt: Date,
  calendar: Calendar,
): Deadline {
  const day = receiptDay(receivedAt, calendar);
  switch (jurisdiction) {
    case 'GDPR':
    case 'UK_GDPR':
      return endOf(monthsLater(day, 1, calendar), 'gdpr-1-calendar-month');
    case 'CCPA':
      return isOptOut(type)
        ? endOf(addBusinessDays(day, 15, calendar), 'ccpa-15-business-days')
        : endOf(day.plus({ days: 45 }), 'ccpa-45-days');
    default:
      return assertUnreachable(jurisdiction);
  }
}

/**
 * The extended deadline, or null when the jurisdiction allows none for this type. It counts
 * from receipt (one month + two months), so a month end clamped by the first period is not
 * carried over, nor a working-day move.
 */
export function extendedDeadline(
  jurisdiction: Jurisdiction,
  type: RequestType,
  receivedAt: Date,
  calendar: Calendar,
): Deadline | null {
  const day = receiptDay(receivedAt, calendar);
  switch (jurisdiction) {
    case 'GDPR':
    case 'UK_GDPR':
      return endOf(monthsLater(day, 3, calendar), 'gdpr-extended-3-calendar-months');
    case 'CCPA':
      return isOptOut(type) ? null : endOf(day.plus({ days: 90 }), 'ccpa-extended-90-days');
    default:
      return assertUnreachable(jurisdiction);
  }
}

/**
 * By when receipt must be confirmed: CCPA requests to know, delete and correct, 10 business
 * days (§7021(a)); null for opt-outs and for the other jurisdictions.
 */
export function acknowledgementDeadline(
  jurisdiction: Jurisdiction,
  type: RequestType,
  receivedAt: Date,
  calendar: Calendar,
): Deadline | null {
  if (jurisdiction !== 'CCPA' || isOptOut(type)) {
    return null;
  }
  const day = receiptDay(receivedAt, calendar);
  return endOf(addBusinessDays(day, 10, calendar), 'ccpa-acknowledge-10-business-days');
}

/** A due date as the subject reads it: the local date in the calendar's zone, e.g. `2027-03-01`. */
export function localDueDay(dueAt: Date, calendar: Calendar): string {
  return DateTime.fromJSDate(dueAt, { zone: calendar.zone }).toISODate() ?? '';
}

/**
 * A due date written out for a message, in the calendar's zone and the given locale, e.g.
 * `Monday 1 March 2027 (Europe/Brussels)`.
 */
export function localDueDate(dueAt: Date, calendar: Calendar, locale = 'en-GB'): string {
  const local = DateTime.fromJSDate(dueAt, { zone: calendar.zone }).setLocale(locale);
  return `${local.toFormat('cccc d LLLL yyyy')} (${calendar.zone})`;
}
