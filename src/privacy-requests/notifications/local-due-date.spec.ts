import type { Jurisdiction } from '../deadlines/deadline-rules';
import { localDueDate } from './local-due-date';

describe('localDueDate', () => {
  it.each<[string, Jurisdiction, string, string, string]>([
    [
      '23:30 UTC is the next day in Brussels',
      'GDPR',
      '2026-03-30T23:30:00Z',
      '2026-03-31',
      'Europe/Brussels',
    ],
    [
      'the end of a Brussels day in winter (UTC+1)',
      'GDPR',
      '2027-02-28T22:59:59.999Z',
      '2027-02-28',
      'Europe/Brussels',
    ],
    [
      'the end of a Brussels day in summer (UTC+2)',
      'GDPR',
      '2026-07-31T21:59:59.999Z',
      '2026-07-31',
      'Europe/Brussels',
    ],
    [
      'the night Brussels leaves summer time',
      'GDPR',
      '2026-10-25T00:30:00Z',
      '2026-10-25',
      'Europe/Brussels',
    ],
    [
      '23:30 UTC in London summer time is the next day',
      'UK_GDPR',
      '2026-06-30T23:30:00Z',
      '2026-07-01',
      'Europe/London',
    ],
    [
      '23:30 UTC in London winter is the same day',
      'UK_GDPR',
      '2026-12-31T23:30:00Z',
      '2026-12-31',
      'Europe/London',
    ],
    [
      'Monday 04:00 UTC is Sunday evening in California',
      'CCPA',
      '2026-03-02T04:00:00Z',
      '2026-03-01',
      'America/Los_Angeles',
    ],
    [
      'across the March change in California',
      'CCPA',
      '2026-03-08T10:30:00Z',
      '2026-03-08',
      'America/Los_Angeles',
    ],
    [
      'a leap day in California',
      'CCPA',
      '2028-03-01T07:59:59.999Z',
      '2028-02-29',
      'America/Los_Angeles',
    ],
  ])('%s', (_, jurisdiction, at, date, zone) => {
    expect(localDueDate(jurisdiction, new Date(at))).toEqual({ date, zone });
  });
});
