import { localDueDate } from './local-due-date';

const calendar = (zone: string) => ({ zone, holidays: new Set<string>() });

describe('localDueDate', () => {
  it.each<[string, string, string, string]>([
    [
      '23:30 UTC is the next day in Brussels',
      'Europe/Brussels',
      '2026-03-30T23:30:00Z',
      '2026-03-31',
    ],
    [
      'the end of a Brussels day in winter (UTC+1)',
      'Europe/Brussels',
      '2027-02-28T22:59:59.999Z',
      '2027-02-28',
    ],
    [
      'the end of a Brussels day in summer (UTC+2)',
      'Europe/Brussels',
      '2026-07-31T21:59:59.999Z',
      '2026-07-31',
    ],
    [
      'the night Brussels leaves summer time',
      'Europe/Brussels',
      '2026-10-25T00:30:00Z',
      '2026-10-25',
    ],
    [
      '23:30 UTC in London summer time is the next day',
      'Europe/London',
      '2026-06-30T23:30:00Z',
      '2026-07-01',
    ],
    [
      '23:30 UTC in London winter is the same day',
      'Europe/London',
      '2026-12-31T23:30:00Z',
      '2026-12-31',
    ],
    [
      'Monday 04:00 UTC is Sunday evening in California',
      'America/Los_Angeles',
      '2026-03-02T04:00:00Z',
      '2026-03-01',
    ],
    [
      'across the March change in California',
      'America/Los_Angeles',
      '2026-03-08T10:30:00Z',
      '2026-03-08',
    ],
    ['a leap day in California', 'America/Los_Angeles', '2028-03-01T07:59:59.999Z', '2028-02-29'],
  ])('%s', (_, zone, at, date) => {
    expect(localDueDate(new Date(at), calendar(zone))).toEqual({ date, zone });
  });
});
