import { Calendar, localDueDay } from '../deadlines/deadline-rules';

export interface LocalDate {
  /** The calendar date in `zone`, `YYYY-MM-DD`. */
  date: string;
  zone: string;
}

/** The day a due instant falls on where the jurisdiction's calendar counts its days. */
export function localDueDate(dueAt: Date, calendar: Calendar): LocalDate {
  return { date: localDueDay(dueAt, calendar), zone: calendar.zone };
}
