import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { isEmail, MaxLength, ValidateBy } from 'class-validator';
import { isWellFormedUnicode, normaliseEmail } from './email-normaliser';

/** Control characters (NUL included): no identifier a store matches on holds them. */
const CONTROL = /\p{Cc}/u;
export const SUBJECT_EMAIL_MAX_LENGTH = 254;

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
        validate: isSubjectEmail,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be a well-formed e-mail address`,
      },
    }),
    MaxLength(SUBJECT_EMAIL_MAX_LENGTH),
  );
}

/** An e-mail address already in its normal form (what `@IsSubjectEmail()` checks after its transform). */
export function isSubjectEmail(value: unknown): value is string {
  // isEmail throws on malformed Unicode, so it only sees what normalised cleanly.
  return (
    typeof value === 'string' &&
    !CONTROL.test(value) &&
    normaliseEmail(value) === value &&
    isEmail(value)
  );
}

/** Well-formed Unicode (no lone surrogate) without control characters; compared as given. */
export function IsIdentifierText(): PropertyDecorator {
  return ValidateBy({
    name: 'isIdentifierText',
    validator: {
      validate: isIdentifierText,
      defaultMessage: (args) =>
        `${args?.property ?? 'value'} must be well-formed text without control characters`,
    },
  });
}

export function isIdentifierText(value: unknown): value is string {
  return typeof value === 'string' && isWellFormedUnicode(value) && !CONTROL.test(value);
}
