export const NOTIFIED_PARTIES = ['authority', 'subjects'] as const;
export type NotifiedParty = (typeof NOTIFIED_PARTIES)[number];

/** GDPR Art. 33(1): the supervisory authority is told within 72 hours of becoming aware. */
export const AUTHORITY_NOTICE_HOURS = 72;
/** The SLA summary counts an unreported incident as near its deadline this long before it. */
export const NEAR_DEADLINE_HOURS = 24;

export const notifyAuthorityBy = (detectedAt: Date): Date =>
  new Date(detectedAt.getTime() + AUTHORITY_NOTICE_HOURS * 3600_000);

export interface IncidentRow {
  id: string;
  title: string;
  description: string | null;
  detectedAt: Date;
  notifyAuthorityBy: Date;
  affectedSubjects: number | null;
  dataCategories: string[];
  authorityNotifiedAt: Date | null;
  subjectsNotifiedAt: Date | null;
  createdAt: Date;
}

export interface NotificationRow {
  id: string;
  party: NotifiedParty;
  at: Date;
  recordedAt: Date;
}

/** Incidents the authority has not been told of yet, by where they stand against the 72 h. */
export interface IncidentClock {
  open: number;
  pastDeadline: number;
  dueWithin24Hours: number;
}
