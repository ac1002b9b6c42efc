export {
  classifyColumn,
  type ColumnClassification,
  type ColumnClassifierOptions,
  type ColumnEntity,
} from './column-classifier';
export {
  compileCustomRecognizer,
  type CustomRecognizer,
  type CustomRecognizerSpec,
} from './custom/custom-recognizer';
export { CUSTOM_RECOGNIZER_LIMITS } from './custom/custom-spec';
export {
  entityDescriptions,
  ENTITY_DESCRIPTIONS,
  type DataCategory,
  type EntityDescription,
} from './entities';
export { MAX_JSON_DEPTH, scanJson } from './engine/json-scanner';
export { scanText, type TextScanOptions } from './engine/scanner';
export { DlpError, DlpErrorCode } from './errors';
export {
  createLogRedactor,
  LOG_REDACTOR_ENTITIES,
  type LogRedactor,
  type LogRedactorOptions,
} from './log-redactor';
export type { Encrypter, Operator, OperatorConfig } from './operators/operators';
export {
  redactJson,
  redactText,
  type RedactJsonResult,
  type RedactOptions,
  type RedactTextResult,
} from './operators/redactor';
export { DEFAULT_PHONE_REGIONS } from './recognizers/phone.recognizer';
export {
  DEFAULT_CUSTOM_BUDGET_MS,
  DEFAULT_MAX_LENGTH,
  DEFAULT_MIN_SCORE,
  ENTITY_TYPES,
  isEntityType,
  type EntityLabel,
  type EntityType,
  type Finding,
  type JsonFinding,
  type PhoneLeniency,
  type PhoneOptions,
  type ScanOptions,
} from './types';
