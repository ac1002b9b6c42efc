import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { DomainError } from 'src/common/errors/domain-error';

export enum ConsentErrorCode {
  UnknownPurpose = 'unknown-purpose',
  UnknownPurposeInBody = 'unknown-purpose-in-body',
  PurposeExists = 'purpose-exists',
  VersionNotNewer = 'version-not-newer',
  InvalidSubjectId = 'invalid-subject-id',
  ReceiptNotFound = 'receipt-not-found',
  WebhookNotFound = 'webhook-not-found',
  CacheUnavailable = 'cache-unavailable',
}

export class ConsentError extends DomainError<ConsentErrorCode> {
  constructor(code: ConsentErrorCode, detail: string) {
    super(code, detail);
  }

  get status(): number {
    switch (this.code) {
      case ConsentErrorCode.InvalidSubjectId:
        return 400;
      case ConsentErrorCode.UnknownPurpose:
      case ConsentErrorCode.ReceiptNotFound:
      case ConsentErrorCode.WebhookNotFound:
        return 404;
      case ConsentErrorCode.PurposeExists:
        return 409;
      case ConsentErrorCode.UnknownPurposeInBody:
      case ConsentErrorCode.VersionNotNewer:
        return 422;
      case ConsentErrorCode.CacheUnavailable:
        return 503;
      default:
        return assertUnreachable(this.code);
    }
  }
}
