import { ValidationOptions, ValidateBy, buildMessage } from 'class-validator';

const TIMESTAMP =
  // eslint-disable-next-line security/detect-unsafe-regex -- linear: every optional group starts with its own fixed separator
  /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d))?$/;

/**
 * An RFC 3339 date or date-time on a real calendar day. ISO 8601's other forms (week dates such
 * as `2026-W01`, ordinal days) and impossible days (`2026-02-30`) are refused: PostgreSQL would
 * reject or reinterpret them after validation passed.
 */
export function isTimestamp(value: unknown): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  const m = TIMESTAMP.exec(value);
  if (!m) {
    return false;
  }
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    year >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  );
}

export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimestamp',
      validator: {
        validate: isTimestamp,
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an RFC 3339 date or date-time on a real day`,
          options,
        ),
      },
    },
    options,
  );
}
