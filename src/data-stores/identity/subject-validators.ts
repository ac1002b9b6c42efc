import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { isEmail, MaxLength, ValidateBy } from 'class-validator';
import { isWellFormedUnicode, normaliseEmail } from './email-normaliser';

/** Control characters (NUL included): no identifier a store matches on holds them. */
const CONTROL = /\p{Cc}/u;

/**
 * An e-mail address a subject is matched by, normalised once here (see `normaliseEmail`) so that
 * every later use (matching, blind index, the mailed code) sees the same form. Text that cannot
 * be normalised stays as given and fails validation: a 400, never a near match.
 */
export function IsSubjectEmail(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? (normaliseEmail(value) ?? value) : value,
    ),
    ValidateBy({
      name: 'isSubjectEmail',
      validator: {
        // isEmail throws on malformed Unicode, so it only sees what normalised cleanly.
        validate: (value: unknown) =>
          typeof value === 'string' &&
          !CONTROL.test(value) &&
          normaliseEmail(value) === value &&
          isEmail(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be a well-formed e-mail address`,
      },
    }),
    MaxLength(254),
  );
}

/** Well-formed Unicode (no lone surrogate) without control characters; compared as given. */
export function IsIdentifierText(): PropertyDecorator {
  return ValidateBy({
    name: 'isIdentifierText',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && isWellFormedUnicode(value) && !CONTROL.test(value),
      defaultMessage: (args) =>
        `${args?.property ?? 'value'} must be well-formed text without control characters`,
    },
  });
}
