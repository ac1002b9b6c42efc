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
  receiptDayBounds,
  RequestType,
} from './deadline-rules';

/**
 * The deadline rules with each jurisdiction's configured calendar (zone and holidays). A rule's
 * answer depends on the receipt's local day only, so the last one per rule, jurisdiction and
 * type is kept with the day it holds for: requests arriving on the same day cost no time-zone
 * arithmetic (measured at about a fifth of an intake's CPU time).
 */
@Injectable()
export class DeadlineCalendars {
  private readonly recent = new Map<
    string,
    { from: number; to: number; deadline: Deadline | null }
  >();

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
    return this.onReceiptDay('initial', initialDeadline, jurisdiction, type, receivedAt);
  }

  extended(jurisdiction: Jurisdiction, type: RequestType, receivedAt: Date): Deadline | null {
    return this.onReceiptDay('extended', extendedDeadline, jurisdiction, type, receivedAt);
  }

  acknowledgement(
    jurisdiction: Jurisdiction,
    type: RequestType,
    receivedAt: Date,
  ): Deadline | null {
    return this.onReceiptDay(
      'acknowledgement',
      acknowledgementDeadline,
      jurisdiction,
      type,
      receivedAt,
    );
  }

  private onReceiptDay<D extends Deadline | null>(
    kind: string,
    rule: (j: Jurisdiction, t: RequestType, at: Date, c: Calendar) => D,
    jurisdiction: Jurisdiction,
    type: RequestType,
    receivedAt: Date,
  ): D {
    const key = `${kind}:${jurisdiction}:${type}`;
    const at = receivedAt.getTime();
    let kept = this.recent.get(key);
    if (!kept || at < kept.from || at >= kept.to) {
      const calendar = this.calendar(jurisdiction);
      kept = {
        ...receiptDayBounds(receivedAt, calendar),
        deadline: rule(jurisdiction, type, receivedAt, calendar),
      };
      this.recent.set(key, kept);
    }
    const { deadline } = kept;
    // A copy: the caller keeps the date in an entity. D is what `rule` answered for this key.
    return (deadline && { ...deadline, dueAt: new Date(deadline.dueAt) }) as D;
  }

  /** A due date as a subject reads it in a message: `Monday 1 March 2027 (Europe/Brussels)`. */
  localDueDate(dueAt: Date, jurisdiction: Jurisdiction, locale?: string): string {
    return localDueDate(dueAt, this.calendar(jurisdiction), locale);
  }
}
