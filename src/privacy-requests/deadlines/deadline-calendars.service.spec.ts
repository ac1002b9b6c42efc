import fc from 'fast-check';
import type { AppConfig } from 'src/config/app-config';
import { DeadlineCalendars } from './deadline-calendars.service';
import {
  acknowledgementDeadline,
  Calendar,
  DEFAULT_TIME_ZONES,
  extendedDeadline,
  initialDeadline,
  Jurisdiction,
  JURISDICTIONS,
  REQUEST_TYPES,
} from './deadline-rules';

const calendars: Record<Jurisdiction, Calendar> = {
  GDPR: { zone: DEFAULT_TIME_ZONES.GDPR, holidays: new Set(['2027-01-01', '2027-04-05']) },
  UK_GDPR: { zone: DEFAULT_TIME_ZONES.UK_GDPR, holidays: new Set(['2027-01-01']) },
  CCPA: { zone: DEFAULT_TIME_ZONES.CCPA, holidays: new Set(['2027-07-05']) },
};

// Only the calendars are read; the rest of the configuration does not matter here.
const config = {
  privacyRequests: { calendars, defaultJurisdiction: 'GDPR' },
} as unknown as AppConfig;

describe('DeadlineCalendars', () => {
  it('answers as the rules do for any sequence of receipt instants, same day or not', () => {
    const service = new DeadlineCalendars(config);
    const instant = fc
      .integer({ min: Date.UTC(2026, 11, 20), max: Date.UTC(2027, 11, 31) })
      .map((ms) => new Date(ms));
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom(...JURISDICTIONS), fc.constantFrom(...REQUEST_TYPES), instant),
          { minLength: 1, maxLength: 40 },
        ),
        (calls) => {
          for (const [j, t, at] of calls) {
            // Neighbouring instants on either side of the local midnights, too.
            for (const when of [at, new Date(at.getTime() + 3_600_000)]) {
              const c = calendars[j];
              expect(service.initial(j, t, when)).toEqual(initialDeadline(j, t, when, c));
              expect(service.extended(j, t, when)).toEqual(extendedDeadline(j, t, when, c));
              expect(service.acknowledgement(j, t, when)).toEqual(
                acknowledgementDeadline(j, t, when, c),
              );
            }
          }
        },
      ),
    );
  });

  it('tells the last millisecond of a local day from the first of the next', () => {
    const service = new DeadlineCalendars(config);
    // Brussels midnight in winter is 23:00Z the day before.
    const before = new Date('2027-03-09T22:59:59.999Z');
    const after = new Date('2027-03-09T23:00:00.000Z');
    const first = service.initial('GDPR', 'erasure', before);
    const next = service.initial('GDPR', 'erasure', after);
    expect(first).toEqual(initialDeadline('GDPR', 'erasure', before, calendars.GDPR));
    expect(next).toEqual(initialDeadline('GDPR', 'erasure', after, calendars.GDPR));
    expect(next.dueAt.getTime()).toBeGreaterThan(first.dueAt.getTime());
  });

  it('hands out a date of its own each time', () => {
    const service = new DeadlineCalendars(config);
    const at = new Date('2027-03-10T10:00:00Z');
    const a = service.initial('GDPR', 'access', at);
    a.dueAt.setTime(0);
    expect(service.initial('GDPR', 'access', at).dueAt.getTime()).not.toBe(0);
  });
});
