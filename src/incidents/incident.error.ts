import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { DomainError } from 'src/common/errors/domain-error';

export enum IncidentErrorCode {
  NotFound = 'incident-not-found',
  InFuture = 'incident-time-in-future',
  BeforeDetection = 'notification-before-detection',
}

export class IncidentError extends DomainError<IncidentErrorCode> {
  constructor(
    code: IncidentErrorCode,
    detail: string,
    errors?: Array<{ field?: string; message: string }>,
  ) {
    super(code, detail, errors);
  }

  get status(): number {
    switch (this.code) {
      case IncidentErrorCode.NotFound:
        return 404;
      case IncidentErrorCode.InFuture:
      case IncidentErrorCode.BeforeDetection:
        return 422;
      default:
        return assertUnreachable(this.code);
    }
  }
}
