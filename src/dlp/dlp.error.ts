import { DlpError as EngineError, DlpErrorCode as EngineErrorCode } from '@libs/dlp';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { DomainError } from 'src/common/errors/domain-error';

export enum DlpServiceErrorCode {
  NoInput = 'dlp-no-input',
  InputTooLarge = 'dlp-input-too-large',
  InputTooDeep = 'dlp-input-too-deep',
  UnknownEntity = 'dlp-unknown-entity',
  InvalidOperator = 'dlp-invalid-operator',
  InvalidRecognizer = 'dlp-invalid-recognizer',
  TooManyRecognizers = 'dlp-too-many-recognizers',
  RecognizerNameTaken = 'dlp-recognizer-name-taken',
  RecognizerNotFound = 'dlp-recognizer-not-found',
  RecognizerBudgetExceeded = 'dlp-recognizer-budget-exceeded',
}

export class DlpServiceError extends DomainError<DlpServiceErrorCode> {
  constructor(code: DlpServiceErrorCode, detail: string) {
    super(code, detail);
  }

  /** The engine's messages hold sizes and entity names only, never scanned values. */
  static from(error: EngineError): DlpServiceError {
    switch (error.code) {
      case EngineErrorCode.InputTooLarge:
        return new DlpServiceError(DlpServiceErrorCode.InputTooLarge, error.message);
      case EngineErrorCode.InputTooDeep:
        return new DlpServiceError(DlpServiceErrorCode.InputTooDeep, error.message);
      case EngineErrorCode.UnknownEntity:
        return new DlpServiceError(DlpServiceErrorCode.UnknownEntity, error.message);
      case EngineErrorCode.InvalidOperator:
      case EngineErrorCode.MissingHashKey:
      case EngineErrorCode.MissingEncrypter:
        return new DlpServiceError(DlpServiceErrorCode.InvalidOperator, error.message);
      case EngineErrorCode.InvalidRecognizer:
        return new DlpServiceError(DlpServiceErrorCode.InvalidRecognizer, error.message);
      case EngineErrorCode.RecognizerBudgetExceeded:
        return new DlpServiceError(DlpServiceErrorCode.RecognizerBudgetExceeded, error.message);
      default:
        return assertUnreachable(error.code);
    }
  }

  get status(): number {
    switch (this.code) {
      case DlpServiceErrorCode.NoInput:
      case DlpServiceErrorCode.InputTooDeep:
      case DlpServiceErrorCode.UnknownEntity:
      case DlpServiceErrorCode.InvalidOperator:
        return 400;
      case DlpServiceErrorCode.InputTooLarge:
        return 413;
      case DlpServiceErrorCode.RecognizerNotFound:
        return 404;
      case DlpServiceErrorCode.RecognizerNameTaken:
        return 409;
      case DlpServiceErrorCode.InvalidRecognizer:
      case DlpServiceErrorCode.TooManyRecognizers:
      case DlpServiceErrorCode.RecognizerBudgetExceeded:
        return 422;
      default:
        return assertUnreachable(this.code);
    }
  }
}
