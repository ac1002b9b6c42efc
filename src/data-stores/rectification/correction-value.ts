import type { CatalogueColumn } from 'src/data-stores/connectors/connector.interface';
import type { CorrectionValue } from 'src/data-stores/data-store.types';
import {
  canonicalInteger,
  classifyColumnType,
  isCanonicalUuid,
} from 'src/data-stores/identity/column-types';
import { isWellFormedUnicode } from 'src/data-stores/identity/email-normaliser';

// eslint-disable-next-line security/detect-unsafe-regex -- linear: each optional part starts with its own fixed separator
const DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
// eslint-disable-next-line security/detect-unsafe-regex -- linear: each optional part starts with its own fixed separator
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/;

const DECIMAL_TYPES = new Set(['numeric', 'decimal']);
const FLOAT_TYPES = new Set(['real', 'double precision', 'float', 'double']);
const TIMESTAMP_TYPES = new Set([
  'timestamp without time zone',
  'timestamp with time zone',
  'timestamp',
  'datetime',
]);

/**
 * Whether `value` can be written to `column` as the column's own type, without the store
 * truncating, rounding or casting it: a problem in words that name the type, never the value,
 * or undefined when it fits. The value is later bound as given.
 */
export function correctionProblem(
  column: CatalogueColumn,
  value: CorrectionValue,
): string | undefined {
  if (value === null) {
    return column.nullable ? undefined : 'the column does not take null';
  }
  const type = classifyColumnType(column.dataType);
  const text = typeof value === 'string' ? value : undefined;
  switch (type.kind) {
    case 'integer': {
      const spelled =
        typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : text;
      return spelled !== undefined && canonicalInteger(spelled, type) !== undefined
        ? undefined
        : `must be an integer in the range of ${column.dataType}`;
    }
    case 'text':
      if (text === undefined) {
        return `must be text for a ${column.dataType} column`;
      }
      if (!isWellFormedUnicode(text) || text.includes('\u0000')) {
        return 'must be well-formed text without NUL characters';
      }
      // Stores count characters as code points.
      return column.maxLength !== undefined && [...text].length > column.maxLength
        ? `must be at most ${column.maxLength} characters`
        : undefined;
    case 'uuid':
      return text !== undefined && isCanonicalUuid(text) ? undefined : 'must be a lower-case uuid';
    case 'other':
      return otherProblem(column.dataType, value);
  }
}

function otherProblem(dataType: string, value: Exclude<CorrectionValue, null>): string | undefined {
  if (DECIMAL_TYPES.has(dataType)) {
    const spelled = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
    return typeof spelled === 'string' && DECIMAL.test(spelled)
      ? undefined
      : 'must be a decimal number';
  }
  if (FLOAT_TYPES.has(dataType)) {
    return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
  }
  if (dataType === 'boolean') {
    return typeof value === 'boolean' ? undefined : 'must be true or false';
  }
  if (dataType === 'date') {
    return typeof value === 'string' && DATE.test(value) && validDate(value)
      ? undefined
      : 'must be a date (YYYY-MM-DD)';
  }
  if (TIMESTAMP_TYPES.has(dataType)) {
    return typeof value === 'string' && TIMESTAMP.test(value) && validDate(value.slice(0, 10))
      ? undefined
      : 'must be an RFC 3339 timestamp';
  }
  return `a ${dataType} column cannot be corrected`;
}

function validDate(ymd: string): boolean {
  const d = new Date(`${ymd}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === ymd;
}
