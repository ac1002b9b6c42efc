import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { DomainError } from 'src/common/errors/domain-error';

export enum PrivacyRequestErrorCode {
  NotFound = 'privacy-request-not-found',
  InvalidSubject = 'invalid-subject',
  WrongCode = 'wrong-verification-code',
  CodeExpired = 'verification-code-expired',
  TooManyAttempts = 'too-many-verification-attempts',
  NotPendingVerification = 'not-pending-verification',
  AlreadyExtended = 'already-extended',
  NotExtendable = 'not-extendable',
  PastDue = 'past-due',
  InvalidState = 'invalid-state',
  ExportNotReady = 'export-not-ready',
  LinkInvalid = 'export-link-invalid',
  InvalidCorrections = 'invalid-corrections',
  StoreUnavailable = 'data-store-unavailable',
  ReceivedAtOutOfRange = 'received-at-out-of-range',
  TaskNotFound = 'privacy-request-task-not-found',
  TaskNotWaiting = 'task-not-waiting',
  ExportExpired = 'export-expired',
  StatusTokenMissing = 'status-token-missing',
  MailUnavailable = 'mail-unavailable',
}

export class PrivacyRequestError extends DomainError<PrivacyRequestErrorCode> {
  constructor(
    code: PrivacyRequestErrorCode,
    detail: string,
    errors?: Array<{ field?: string; message: string }>,
  ) {
    super(code, detail, errors);
  }

  get status(): number {
    switch (this.code) {
      case PrivacyRequestErrorCode.NotFound:
      case PrivacyRequestErrorCode.LinkInvalid:
      case PrivacyRequestErrorCode.TaskNotFound:
        return 404;
      case PrivacyRequestErrorCode.CodeExpired:
      case PrivacyRequestErrorCode.ExportExpired:
        return 410;
      case PrivacyRequestErrorCode.TooManyAttempts:
        return 429;
      case PrivacyRequestErrorCode.NotPendingVerification:
      case PrivacyRequestErrorCode.AlreadyExtended:
      case PrivacyRequestErrorCode.NotExtendable:
      case PrivacyRequestErrorCode.PastDue:
      case PrivacyRequestErrorCode.InvalidState:
      case PrivacyRequestErrorCode.ExportNotReady:
      case PrivacyRequestErrorCode.TaskNotWaiting:
        return 409;
      case PrivacyRequestErrorCode.InvalidSubject:
      case PrivacyRequestErrorCode.WrongCode:
      case PrivacyRequestErrorCode.InvalidCorrections:
      case PrivacyRequestErrorCode.ReceivedAtOutOfRange:
        return 422;
      case PrivacyRequestErrorCode.StoreUnavailable:
        return 503;
      case PrivacyRequestErrorCode.StatusTokenMissing:
        return 401;
      case PrivacyRequestErrorCode.MailUnavailable:
        return 503;
      default:
        return assertUnreachable(this.code);
    }
  }
}
