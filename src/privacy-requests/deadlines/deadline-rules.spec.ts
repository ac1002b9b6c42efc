import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  acknowledgementDeadline,
  Calendar,
  DEFAULT_TIME_ZONES,
  DeadlineRule,
  extendedDeadline,
  initialDeadline,
  Jurisdiction,
  localDueDate,
  localDueDay,
  RequestType,
} from './deadline-rules';

const at = (iso: string): Date => new Date(iso);
const calendar = (
  jurisdiction: Jurisdiction,
  holidays: string[] = [],
  zone?: string,
): Calendar => ({
  zone: zone ?? DEFAULT_TIME_ZONES[jurisdiction],
  holidays: new Set(holidays),
});

/**
 * [case, jurisdiction, type, received (UTC), due (UTC), rule, holidays?, zone?]. Due instants are
 * the last millisecond of the local day: Brussels 22:59:59.999Z in winter (CET) and 21:59Z in
 * summer (CEST); London 23:59Z (GMT) and 22:59Z (BST); Los Angeles 07:59Z (PST) and 06:59Z (PDT)
 * of the next UTC day.
 */
type Row = [string, Jurisdiction, RequestType, string, string, DeadlineRule, string[]?, string?];

const initial: Row[] = [
  // Regulation 1182/71: same date next month, or the month's last day; a Saturday, Sunday or
  // holiday moves the end to the next working day.
  [
    'GDPR: same date next month (Sun 15 Mar -> Wed 15 Apr)',
    'GDPR',
    'access',
    '2026-03-15T10:00:00Z',
    '2026-04-15T21:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'GDPR: 31 Jan 2027 -> Sun 28 Feb -> Mon 1 Mar',
    'GDPR',
    'erasure',
    '2027-01-31T08:30:00Z',
    '2027-03-01T22:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'GDPR: 31 Dec 2026 -> Sun 31 Jan -> Mon 1 Feb',
    'GDPR',
    'access',
    '2026-12-31T09:00:00Z',
    '2027-02-01T22:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'GDPR: 29 Jan 2027 has no 29 Feb: Sun 28 Feb -> Mon 1 Mar',
    'GDPR',
    'access',
    '2027-01-29T12:00:00Z',
    '2027-03-01T22:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'GDPR: 31 Jan in a leap year -> Tue 29 Feb 2028',
    'GDPR',
    'access',
    '2028-01-31T12:00:00Z',
    '2028-02-29T22:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'GDPR: 29 Feb 2028 -> Wed 29 Mar 2028 (summer time from 26 Mar)',
    'GDPR',
    'access',
    '2028-02-29T12:00:00Z',
    '2028-03-29T21:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'GDPR: 2026-03-30 23:30 UTC is 31 Mar in Brussels -> Thu 30 Apr local',
    'GDPR',
    'access',
    '2026-03-30T23:30:00Z',
    '2026-04-30T21:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'GDPR: 23:30 UTC in winter is the next day in Brussels: 15 Jan -> Sun 15 Feb -> Mon 16 Feb',
    'GDPR',
    'access',
    '2026-01-14T23:30:00Z',
    '2026-02-16T22:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'GDPR: 22:30 UTC in winter is still the same day in Brussels (23:30 CET)',
    'GDPR',
    'access',
    '2026-01-14T22:30:00Z',
    '2026-02-16T22:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'GDPR: received Sat 28 Mar, the eve of summer time -> Tue 28 Apr in CEST',
    'GDPR',
    'erasure',
    '2026-03-28T12:00:00Z',
    '2026-04-28T21:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'GDPR: received 01:30 CET on the spring-forward night -> Wed 29 Apr',
    'GDPR',
    'access',
    '2026-03-29T00:30:00Z',
    '2026-04-29T21:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'GDPR: period ends Sun 25 Oct, the fall-back day -> Mon 26 Oct in CET',
    'GDPR',
    'access',
    '2026-09-25T10:00:00Z',
    '2026-10-26T22:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'GDPR: received 02:30 CEST on the fall-back night -> Wed 25 Nov',
    'GDPR',
    'access',
    '2026-10-25T00:30:00Z',
    '2026-11-25T22:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'GDPR: received on a Saturday, period ends Sat 7 Mar -> Mon 9 Mar',
    'GDPR',
    'access',
    '2026-02-07T10:00:00Z',
    '2026-03-09T22:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'GDPR: ends on holiday Fri 1 May, then a weekend -> Mon 4 May',
    'GDPR',
    'access',
    '2026-04-01T10:00:00Z',
    '2026-05-04T21:59:59.999Z',
    'gdpr-1-calendar-month',
    ['2026-05-01'],
  ],
  [
    'GDPR: a holiday that is not the last day changes nothing',
    'GDPR',
    'access',
    '2026-04-01T10:00:00Z',
    '2026-05-01T21:59:59.999Z',
    'gdpr-1-calendar-month',
    ['2026-04-30'],
  ],
  [
    'GDPR: opt-outs filed under GDPR get the month too',
    'GDPR',
    'opt_out_sale',
    '2026-03-15T10:00:00Z',
    '2026-04-15T21:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'GDPR: counted in a configured zone (Helsinki: 31 Mar local -> 30 Apr, EEST)',
    'GDPR',
    'access',
    '2026-03-30T22:30:00Z',
    '2026-04-30T20:59:59.999Z',
    'gdpr-1-calendar-month',
    [],
    'Europe/Helsinki',
  ],
  [
    'UK GDPR: 23:59 UTC on 31 Mar is 1 Apr in London -> Fri 1 May',
    'UK_GDPR',
    'access',
    '2026-03-31T23:59:00Z',
    '2026-05-01T22:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'UK GDPR: ends Sat 28 Mar -> Mon 30 Mar, after the clocks went forward',
    'UK_GDPR',
    'access',
    '2026-02-28T10:00:00Z',
    '2026-03-30T22:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'UK GDPR: ends Fri 30 Oct, after the clocks went back (GMT)',
    'UK_GDPR',
    'rectification',
    '2026-09-30T10:00:00Z',
    '2026-10-30T23:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'UK GDPR: 23:30 UTC on 30 Jun is 1 Jul in London -> Sat 1 Aug -> Mon 3 Aug',
    'UK_GDPR',
    'access',
    '2026-06-30T23:30:00Z',
    '2026-08-03T22:59:59.999Z',
    'gdpr-1-calendar-month',
  ],
  [
    'UK GDPR: Christmas and a substitute Boxing Day -> Tue 29 Dec',
    'UK_GDPR',
    'erasure',
    '2026-11-25T10:00:00Z',
    '2026-12-29T23:59:59.999Z',
    'gdpr-1-calendar-month',
    ['2026-12-25', '2026-12-28'],
  ],
  // CCPA: 45 calendar days counted in Los Angeles, no move off weekends.
  [
    'CCPA access: 45 days, ending on a Sunday stays there (Sun 15 Feb)',
    'CCPA',
    'access',
    '2026-01-01T18:00:00Z',
    '2026-02-16T07:59:59.999Z',
    'ccpa-45-days',
  ],
  [
    'CCPA access: 07:30 UTC on 2 Jan is still 1 Jan in Los Angeles',
    'CCPA',
    'access',
    '2026-01-02T07:30:00Z',
    '2026-02-16T07:59:59.999Z',
    'ccpa-45-days',
  ],
  [
    'CCPA erasure: 45 days across the March change -> Wed 18 Mar end in PDT',
    'CCPA',
    'erasure',
    '2026-02-01T18:00:00Z',
    '2026-03-19T06:59:59.999Z',
    'ccpa-45-days',
  ],
  [
    'CCPA erasure: 45 days across the November change -> Sun 15 Nov end in PST',
    'CCPA',
    'erasure',
    '2026-10-01T18:00:00Z',
    '2026-11-16T07:59:59.999Z',
    'ccpa-45-days',
  ],
  [
    'CCPA access: 45 days over a leap day -> Sun 5 Mar 2028',
    'CCPA',
    'access',
    '2028-01-20T18:00:00Z',
    '2028-03-06T07:59:59.999Z',
    'ccpa-45-days',
  ],
  [
    'CCPA correction: 45 days like access',
    'CCPA',
    'rectification',
    '2026-01-01T18:00:00Z',
    '2026-02-16T07:59:59.999Z',
    'ccpa-45-days',
  ],
  [
    'CCPA access: holidays do not move calendar days',
    'CCPA',
    'access',
    '2026-01-01T18:00:00Z',
    '2026-02-16T07:59:59.999Z',
    'ccpa-45-days',
    ['2026-02-16', '2026-02-15'],
  ],
  // CCPA opt-outs: 15 business days, the day of receipt not counted.
  [
    'CCPA opt-out: Sunday 20:00 Pacific (Monday 04:00 UTC) -> Fri 27 Nov',
    'CCPA',
    'opt_out_sale',
    '2026-11-09T04:00:00Z',
    '2026-11-28T07:59:59.999Z',
    'ccpa-15-business-days',
  ],
  [
    'CCPA opt-out: Sunday evening with Thanksgiving a holiday -> Mon 30 Nov',
    'CCPA',
    'opt_out_sharing',
    '2026-11-09T04:00:00Z',
    '2026-12-01T07:59:59.999Z',
    'ccpa-15-business-days',
    ['2026-11-26'],
  ],
  [
    'CCPA opt-out: received Friday 3 Jul -> Fri 24 Jul in PDT',
    'CCPA',
    'opt_out_sale',
    '2026-07-03T17:00:00Z',
    '2026-07-25T06:59:59.999Z',
    'ccpa-15-business-days',
  ],
  [
    'CCPA opt-out: a holiday on a Saturday is not skipped twice',
    'CCPA',
    'opt_out_sale',
    '2026-07-03T17:00:00Z',
    '2026-07-25T06:59:59.999Z',
    'ccpa-15-business-days',
    ['2026-07-04'],
  ],
  [
    'CCPA opt-out: received on a holiday, counting starts the next business day',
    'CCPA',
    'opt_out_sale',
    '2026-07-03T17:00:00Z',
    '2026-07-25T06:59:59.999Z',
    'ccpa-15-business-days',
    ['2026-07-03'],
  ],
  [
    'CCPA opt-out: across the March change -> Fri 27 Mar in PDT',
    'CCPA',
    'opt_out_sharing',
    '2026-03-06T20:00:00Z',
    '2026-03-28T06:59:59.999Z',
    'ccpa-15-business-days',
  ],
];

describe('deadline rules: the first deadline', () => {
  // Rows go in whole: jest would pass its `done` callback in place of a missing optional column.
  it.each(initial.map((row) => [row[0], row] as const))('%s', (_case, row) => {
    const [, jurisdiction, type, received, due, rule, holidays, zone] = row;
    const d = initialDeadline(
      jurisdiction,
      type,
      at(received),
      calendar(jurisdiction, holidays, zone),
    );
    expect({ dueAt: d.dueAt.toISOString(), rule: d.rule }).toEqual({ dueAt: due, rule });
  });
});

const extensions: Array<[string, Jurisdiction, RequestType, string, string | null, string[]?]> = [
  [
    'GDPR: three months from receipt (15 Mar -> Mon 15 Jun)',
    'GDPR',
    'access',
    '2026-03-15T10:00:00Z',
    '2026-06-15T21:59:59.999Z',
  ],
  [
    'GDPR: 31 Jan 2027 extends to Fri 30 Apr, not carried from 1 Mar',
    'GDPR',
    'erasure',
    '2027-01-31T08:30:00Z',
    '2027-04-30T21:59:59.999Z',
  ],
  [
    'GDPR: 30 Nov 2026 -> Sun 28 Feb 2027 -> Mon 1 Mar',
    'GDPR',
    'access',
    '2026-11-30T10:00:00Z',
    '2027-03-01T22:59:59.999Z',
  ],
  [
    'GDPR: 30 Nov 2027 -> Tue 29 Feb 2028 (leap year)',
    'GDPR',
    'rectification',
    '2027-11-30T10:00:00Z',
    '2028-02-29T22:59:59.999Z',
  ],
  [
    'UK GDPR: 31 Oct 2026 -> Sun 31 Jan 2027 -> Mon 1 Feb, in GMT',
    'UK_GDPR',
    'access',
    '2026-10-31T10:00:00Z',
    '2027-02-01T23:59:59.999Z',
  ],
  [
    'UK GDPR: extension ending on a holiday moves on (Mon 3 May 2027 bank holiday -> Tue 4 May)',
    'UK_GDPR',
    'access',
    '2027-02-03T10:00:00Z',
    '2027-05-04T22:59:59.999Z',
    ['2027-05-03'],
  ],
  [
    'CCPA access: 90 days from receipt -> Wed 1 Apr, in PDT',
    'CCPA',
    'access',
    '2026-01-01T18:00:00Z',
    '2026-04-02T06:59:59.999Z',
  ],
  [
    'CCPA correction: 90 days from receipt',
    'CCPA',
    'rectification',
    '2026-01-01T18:00:00Z',
    '2026-04-02T06:59:59.999Z',
  ],
  ['CCPA opt-out of sale: no extension', 'CCPA', 'opt_out_sale', '2026-01-01T18:00:00Z', null],
  [
    'CCPA opt-out of sharing: no extension',
    'CCPA',
    'opt_out_sharing',
    '2026-01-01T18:00:00Z',
    null,
  ],
];

describe('deadline rules: the extension', () => {
  it.each(extensions.map((row) => [row[0], row] as const))('%s', (_case, row) => {
    const [, jurisdiction, type, received, due, holidays] = row;
    const d = extendedDeadline(jurisdiction, type, at(received), calendar(jurisdiction, holidays));
    expect(d?.dueAt.toISOString() ?? null).toBe(due);
    if (d) {
      expect(d.rule).toBe(
        jurisdiction === 'CCPA' ? 'ccpa-extended-90-days' : 'gdpr-extended-3-calendar-months',
      );
    }
  });
});

const acknowledgements: Array<
  [string, Jurisdiction, RequestType, string, string | null, string[]?]
> = [
  [
    'CCPA access received Fri 3 Jul: 10 business days -> Fri 17 Jul',
    'CCPA',
    'access',
    '2026-07-03T17:00:00Z',
    '2026-07-18T06:59:59.999Z',
  ],
  [
    'CCPA erasure over Thanksgiving and the day after -> Fri 4 Dec',
    'CCPA',
    'erasure',
    '2026-11-18T17:00:00Z',
    '2026-12-05T07:59:59.999Z',
    ['2026-11-26', '2026-11-27'],
  ],
  [
    'CCPA correction received Sunday evening Pacific -> Fri 20 Nov',
    'CCPA',
    'rectification',
    '2026-11-09T04:00:00Z',
    '2026-11-21T07:59:59.999Z',
  ],
  ['CCPA opt-outs need no acknowledgement', 'CCPA', 'opt_out_sale', '2026-07-03T17:00:00Z', null],
  ['GDPR requests have none', 'GDPR', 'access', '2026-07-03T17:00:00Z', null],
  ['UK GDPR requests have none', 'UK_GDPR', 'erasure', '2026-07-03T17:00:00Z', null],
];

describe('deadline rules: the CCPA acknowledgement', () => {
  it.each(acknowledgements.map((row) => [row[0], row] as const))('%s', (_case, row) => {
    const [, jurisdiction, type, received, due, holidays] = row;
    const d = acknowledgementDeadline(
      jurisdiction,
      type,
      at(received),
      calendar(jurisdiction, holidays),
    );
    expect(d?.dueAt.toISOString() ?? null).toBe(due);
    if (d) {
      expect(d.rule).toBe('ccpa-acknowledge-10-business-days');
    }
  });
});

describe('deadline rules: properties', () => {
  const receipts = fc.date({ min: at('2024-01-01T00:00:00Z'), max: at('2030-12-31T23:59:59Z') });
  const jurisdictions = fc.constantFrom<Jurisdiction>('GDPR', 'UK_GDPR', 'CCPA');
  const types = fc.constantFrom<RequestType>('access', 'erasure', 'opt_out_sale');

  it('every deadline is the last millisecond of a local day, after receipt', () => {
    fc.assert(
      fc.property(receipts, jurisdictions, types, (received, jurisdiction, type) => {
        const cal = calendar(jurisdiction);
        for (const d of [
          initialDeadline(jurisdiction, type, received, cal),
          extendedDeadline(jurisdiction, type, received, cal),
          acknowledgementDeadline(jurisdiction, type, received, cal),
        ]) {
          if (d) {
            const local = DateTime.fromJSDate(d.dueAt, { zone: cal.zone });
            expect(local.toFormat('HH:mm:ss.SSS')).toBe('23:59:59.999');
            expect(d.dueAt.getTime()).toBeGreaterThan(received.getTime());
          }
        }
      }),
    );
  });

  it('a GDPR month never ends before the same local date next month, nor on a weekend', () => {
    fc.assert(
      fc.property(receipts, (received) => {
        const cal = calendar('GDPR');
        const local = DateTime.fromJSDate(received, { zone: cal.zone });
        const due = DateTime.fromJSDate(initialDeadline('GDPR', 'access', received, cal).dueAt, {
          zone: cal.zone,
        });
        expect(due.weekday).toBeLessThanOrEqual(5);
        expect(due.startOf('day') >= local.plus({ months: 1 }).startOf('day')).toBe(true);
        expect(due.diff(local.plus({ months: 1 }).startOf('day'), 'days').days).toBeLessThan(4);
      }),
    );
  });
});

describe('deadline rules: the local due date', () => {
  const due = initialDeadline('GDPR', 'access', at('2027-01-31T08:30:00Z'), calendar('GDPR'));

  it('is the local day, though the instant is already the next UTC day elsewhere', () => {
    expect(localDueDay(due.dueAt, calendar('GDPR'))).toBe('2027-03-01');
    expect(localDueDay(at('2026-03-19T06:59:59.999Z'), calendar('CCPA'))).toBe('2026-03-18');
  });

  it('is written out with its weekday and zone', () => {
    expect(localDueDate(due.dueAt, calendar('GDPR'))).toBe('Monday 1 March 2027 (Europe/Brussels)');
  });

  it('refuses a zone it cannot count in', () => {
    expect(() =>
      initialDeadline('GDPR', 'access', due.dueAt, calendar('GDPR', [], 'Mars/Olympus')),
    ).toThrow(/Mars\/Olympus/);
  });
});
