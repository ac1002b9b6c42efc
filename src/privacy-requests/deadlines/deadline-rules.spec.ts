import {
  addBusinessDays,
  extendedDeadline,
  initialDeadline,
  Jurisdiction,
  RequestType,
} from './deadline-rules';

const at = (iso: string): Date => new Date(iso);

describe('deadline rules', () => {
  const initial: Array<[string, Jurisdiction, RequestType, string, string, string]> = [
    [
      'GDPR: same day next month',
      'GDPR',
      'access',
      '2026-03-15T10:00:00Z',
      '2026-04-15T10:00:00Z',
      'gdpr-1-calendar-month',
    ],
    [
      'GDPR: Jan 31 + 1 month is Feb 28',
      'GDPR',
      'erasure',
      '2027-01-31T08:30:00Z',
      '2027-02-28T08:30:00Z',
      'gdpr-1-calendar-month',
    ],
    [
      'GDPR: Jan 31 + 1 month in a leap year is Feb 29',
      'GDPR',
      'access',
      '2028-01-31T00:00:00Z',
      '2028-02-29T00:00:00Z',
      'gdpr-1-calendar-month',
    ],
    [
      'GDPR: Jan 30 in a leap year is Feb 29',
      'GDPR',
      'access',
      '2028-01-30T12:00:00Z',
      '2028-02-29T12:00:00Z',
      'gdpr-1-calendar-month',
    ],
    [
      'GDPR: Feb 29 + 1 month is Mar 29',
      'GDPR',
      'access',
      '2028-02-29T12:00:00Z',
      '2028-03-29T12:00:00Z',
      'gdpr-1-calendar-month',
    ],
    [
      'UK GDPR: Mar 31 + 1 month is Apr 30',
      'UK_GDPR',
      'access',
      '2026-03-31T23:59:00Z',
      '2026-04-30T23:59:00Z',
      'gdpr-1-calendar-month',
    ],
    [
      'GDPR: Dec 31 rolls into next year',
      'GDPR',
      'opt_out_sale',
      '2026-12-31T09:00:00Z',
      '2027-01-31T09:00:00Z',
      'gdpr-1-calendar-month',
    ],
    [
      'CCPA access: 45 calendar days',
      'CCPA',
      'access',
      '2026-01-01T00:00:00Z',
      '2026-02-15T00:00:00Z',
      'ccpa-45-days',
    ],
    [
      'CCPA erasure: 45 days over a leap day',
      'CCPA',
      'erasure',
      '2028-02-01T00:00:00Z',
      '2028-03-17T00:00:00Z',
      'ccpa-45-days',
    ],
    [
      'GDPR rectification: one calendar month, as access',
      'GDPR',
      'rectification',
      '2026-03-15T10:00:00Z',
      '2026-04-15T10:00:00Z',
      'gdpr-1-calendar-month',
    ],
    [
      'CCPA correction: 45 calendar days, as access',
      'CCPA',
      'rectification',
      '2026-01-01T00:00:00Z',
      '2026-02-15T00:00:00Z',
      'ccpa-45-days',
    ],
    // Mon 2026-11-02 + 15 business days (3 weeks) = Mon 2026-11-23.
    [
      'CCPA opt-out: 15 business days skip weekends',
      'CCPA',
      'opt_out_sale',
      '2026-11-02T10:00:00Z',
      '2026-11-23T10:00:00Z',
      'ccpa-15-business-days',
    ],
    // Received on a Saturday: counting starts Monday; 15 business days end on Friday three weeks on.
    [
      'CCPA opt-out received on a Saturday',
      'CCPA',
      'opt_out_sharing',
      '2026-11-07T10:00:00Z',
      '2026-11-27T10:00:00Z',
      'ccpa-15-business-days',
    ],
  ];

  it.each(initial)('%s', (_label, jurisdiction, type, received, due, rule) => {
    const d = initialDeadline(jurisdiction, type, at(received));
    expect(d.dueAt.toISOString()).toBe(at(due).toISOString());
    expect(d.rule).toBe(rule);
  });

  it('skips a configured holiday when counting business days', () => {
    // A holiday after the deadline changes nothing; Wednesday 11 moves Monday 23 to Tuesday 24.
    const later = initialDeadline('CCPA', 'opt_out_sale', at('2026-11-02T10:00:00Z'), {
      holidays: new Set(['2026-11-26']),
    });
    expect(later.dueAt.toISOString()).toBe('2026-11-23T10:00:00.000Z');
    const withEarlierHoliday = initialDeadline('CCPA', 'opt_out_sale', at('2026-11-02T10:00:00Z'), {
      holidays: new Set(['2026-11-11']),
    });
    expect(withEarlierHoliday.dueAt.toISOString()).toBe('2026-11-24T10:00:00.000Z');
  });

  it('does not count a holiday that falls on a weekend twice', () => {
    const plain = addBusinessDays(at('2026-11-02T00:00:00Z'), 15);
    const weekendHoliday = addBusinessDays(at('2026-11-02T00:00:00Z'), 15, new Set(['2026-11-07']));
    expect(weekendHoliday.toISOString()).toBe(plain.toISOString());
  });

  const extensions: Array<[string, Jurisdiction, RequestType, string, string | null]> = [
    [
      'GDPR extends to three months from receipt',
      'GDPR',
      'access',
      '2026-03-15T10:00:00Z',
      '2026-06-15T10:00:00Z',
    ],
    [
      'GDPR Jan 31 extends to Apr 30, not Apr 28',
      'GDPR',
      'erasure',
      '2027-01-31T08:30:00Z',
      '2027-04-30T08:30:00Z',
    ],
    [
      'GDPR Nov 30 extends over a leap February',
      'UK_GDPR',
      'access',
      '2027-11-30T00:00:00Z',
      '2028-02-29T00:00:00Z',
    ],
    [
      'CCPA access extends by 45 days',
      'CCPA',
      'access',
      '2026-01-01T00:00:00Z',
      '2026-04-01T00:00:00Z',
    ],
    [
      'GDPR rectification extends to three months from receipt',
      'GDPR',
      'rectification',
      '2026-03-15T10:00:00Z',
      '2026-06-15T10:00:00Z',
    ],
    [
      'CCPA correction extends by 45 days',
      'CCPA',
      'rectification',
      '2026-01-01T00:00:00Z',
      '2026-04-01T00:00:00Z',
    ],
    ['CCPA opt-outs cannot be extended', 'CCPA', 'opt_out_sale', '2026-01-01T00:00:00Z', null],
  ];

  it.each(extensions)('%s', (_label, jurisdiction, type, received, due) => {
    const d = extendedDeadline(jurisdiction, type, at(received));
    expect(d?.dueAt.toISOString() ?? null).toBe(due === null ? null : at(due).toISOString());
  });
});
