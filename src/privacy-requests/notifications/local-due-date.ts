import type { Jurisdiction } from '../deadlines/deadline-rules';

/** Each jurisdiction's own time zone, in which its days are counted and its dates are shown. */
const ZONES: Readonly<Record<Jurisdiction, string>> = {
  GDPR: 'Europe/Brussels',
  UK_GDPR: 'Europe/London',
  CCPA: 'America/Los_Angeles',
};

export interface LocalDate {
  /** The calendar date in `zone`, `YYYY-MM-DD`. */
  date: string;
  zone: string;
}

/** The day a due instant falls on where the jurisdiction counts its days. */
export function localDueDate(jurisdiction: Jurisdiction, dueAt: Date): LocalDate {
  const zone = ZONES[jurisdiction];
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(dueAt);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return { date: `${part('year')}-${part('month')}-${part('day')}`, zone };
}
