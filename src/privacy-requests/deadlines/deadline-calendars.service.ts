import { Injectable } from '@nestjs/common';
import { AppConfig } from 'src/config/app-config';
import {
  acknowledgementDeadline,
  Calendar,
  Deadline,
  extendedDeadline,
  initialDeadline,
  Jurisdiction,
  localDueDate,
  RequestType,
} from './deadline-rules';

/** The deadline rules with each jurisdiction's configured calendar (zone and holidays). */
@Injectable()
export class DeadlineCalendars {
  constructor(private readonly config: AppConfig) {}

  calendar(jurisdiction: Jurisdiction): Calendar {
    return this.config.privacyRequests.calendars[jurisdiction];
  }

  /**
   * The jurisdiction of a request: as given, else CCPA for opt-outs of sale and sharing (a
   * CCPA right, whose 15 business days a month-long default would overrun), else
   * DEFAULT_JURISDICTION.
   */
  jurisdictionOf(type: RequestType, given: Jurisdiction | undefined): Jurisdiction {
    if (given) {
      return given;
    }
    return type === 'opt_out_sale' || type === 'opt_out_sharing'
      ? 'CCPA'
      : this.config.privacyRequests.defaultJurisdiction;
  }

  initial(jurisdiction: Jurisdiction, type: RequestType, receivedAt: Date): Deadline {
    return initialDeadline(jurisdiction, type, receivedAt, this.calendar(jurisdiction));
  }

  extended(jurisdiction: Jurisdiction, type: RequestType, receivedAt: Date): Deadline | null {
    return extendedDeadline(jurisdiction, type, receivedAt, this.calendar(jurisdiction));
  }

  acknowledgement(
    jurisdiction: Jurisdiction,
    type: RequestType,
    receivedAt: Date,
  ): Deadline | null {
    return acknowledgementDeadline(jurisdiction, type, receivedAt, this.calendar(jurisdiction));
  }

  /** A due date as a subject reads it in a message: `Monday 1 March 2027 (Europe/Brussels)`. */
  localDueDate(dueAt: Date, jurisdiction: Jurisdiction, locale?: string): string {
    return localDueDate(dueAt, this.calendar(jurisdiction), locale);
  }
}
