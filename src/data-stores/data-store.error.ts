import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { DomainError } from 'src/common/errors/domain-error';

export enum DataStoreErrorCode {
  NotFound = 'data-store-not-found',
  NameTaken = 'data-store-name-taken',
  InvalidConnection = 'invalid-connection',
  InvalidDescription = 'invalid-description',
  Unreachable = 'data-store-unreachable',
  ScanNotFound = 'scan-not-found',
  ScanUnsupported = 'scan-unsupported',
  InvalidSubject = 'invalid-subject',
  PlanUnsupported = 'erasure-plan-unsupported',
  NoConnection = 'data-store-has-no-connection',
}

export class DataStoreError extends DomainError<DataStoreErrorCode> {
  constructor(
    code: DataStoreErrorCode,
    detail: string,
    errors?: Array<{ field?: string; message: string }>,
  ) {
    super(code, detail, errors);
  }

  get status(): number {
    switch (this.code) {
      case DataStoreErrorCode.NotFound:
      case DataStoreErrorCode.ScanNotFound:
        return 404;
      case DataStoreErrorCode.NameTaken:
        return 409;
      case DataStoreErrorCode.InvalidSubject:
        return 400;
      case DataStoreErrorCode.InvalidConnection:
      case DataStoreErrorCode.InvalidDescription:
      case DataStoreErrorCode.Unreachable:
      case DataStoreErrorCode.ScanUnsupported:
      case DataStoreErrorCode.PlanUnsupported:
      case DataStoreErrorCode.NoConnection:
        return 422;
      default:
        return assertUnreachable(this.code);
    }
  }
}
