export enum DlpErrorCode {
  InputTooLarge = 'input_too_large',
  InputTooDeep = 'input_too_deep',
  UnknownEntity = 'unknown_entity',
  MissingHashKey = 'missing_hash_key',
  MissingEncrypter = 'missing_encrypter',
  InvalidOperator = 'invalid_operator',
  InvalidRecognizer = 'invalid_recognizer',
  RecognizerBudgetExceeded = 'recognizer_budget_exceeded',
}

/** The only error libs/dlp throws; its message never contains scanned values. */
export class DlpError extends Error {
  constructor(
    readonly code: DlpErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DlpError';
  }
}
