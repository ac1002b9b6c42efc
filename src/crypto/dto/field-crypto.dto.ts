import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { AsParsed } from 'src/common/http/as-parsed.decorator';
import { Prechecked } from 'src/common/http/prechecked.decorator';
import { isFormerServiceContext } from '../access/former-service-contexts';
import { SERVICE_CONTEXT_PREFIX } from '../personal-data.cipher';
import { IsStringMap, NoServiceContextKeys } from './is-string-map.validator';

/** Blind-index field names of the service's own indexes start with `svc:`; the API refuses them. */
const NOT_RESERVED_FIELD = /^(?!svc:)/;
const RESERVED_FIELD_MESSAGE = 'field names starting with svc: are reserved for the service';
const KEY_ALIAS = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_SUBJECT_ID_LENGTH = 256;
const MAX_BLIND_INDEX_NAMES = 1000;

/** Keys the full validation deletes from every object of a body (a prototype pollution guard). */
function isStrippedKey(key: string): boolean {
  return key === '__proto__' || key === 'prototype' || key === 'constructor';
}

/**
 * A JSON object whose values are all strings, with none of the keys the full validation would
 * strip, and (`context`) no key in the service's reserved namespace nor one of its former contexts.
 */
function isPlainStringMap(value: unknown, context: boolean): boolean {
  if (
    typeof value !== 'object' ||
    value === null ||
    Object.getPrototypeOf(value) !== Object.prototype
  ) {
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (
      typeof record[key] !== 'string' ||
      isStrippedKey(key) ||
      (context && key.startsWith(SERVICE_CONTEXT_PREFIX))
    ) {
      return false;
    }
  }
  return !context || !isFormerServiceContext(record);
}

function hasOnly(body: Readonly<Record<string, unknown>>, allowed: readonly string[]): boolean {
  for (const key in body) {
    if (!allowed.includes(key)) {
      return false;
    }
  }
  return true;
}

/** `{context?, fields}` as the decrypt and rewrap bodies' decorators accept it, plainly. */
function isPlainCiphertextBatch(body: Readonly<Record<string, unknown>>): boolean {
  return (
    hasOnly(body, ['context', 'fields']) &&
    isPlainStringMap(body.fields, false) &&
    (body.context === undefined || isPlainStringMap(body.context, true))
  );
}

/** The encrypt body as its decorators accept it, plainly. */
function isPlainEncryptBatch(body: Readonly<Record<string, unknown>>): boolean {
  const { keyAlias, subjectId, blindIndex } = body;
  return (
    hasOnly(body, ['keyAlias', 'subjectId', 'context', 'fields', 'blindIndex']) &&
    isPlainStringMap(body.fields, false) &&
    (body.context === undefined || isPlainStringMap(body.context, true)) &&
    (keyAlias === undefined || (typeof keyAlias === 'string' && KEY_ALIAS.test(keyAlias))) &&
    (subjectId === undefined ||
      (typeof subjectId === 'string' &&
        subjectId.length >= 1 &&
        subjectId.length <= MAX_SUBJECT_ID_LENGTH)) &&
    (blindIndex === undefined ||
      (Array.isArray(blindIndex) &&
        blindIndex.length <= MAX_BLIND_INDEX_NAMES &&
        blindIndex.every((name) => typeof name === 'string' && NOT_RESERVED_FIELD.test(name))))
  );
}

/** The optional `context` of every crypto call: documented and validated the same in all. */
export function FieldContext(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      description:
        'Flat string map bound to the ciphertext as additional authenticated data; the same map must be given to decrypt. Keys starting with `svc:` are reserved for the service (400), and so are the `table` and `column` pairs of its own values (`privacy_requests` `subject` or `corrections`, `data_stores` `connection`, `consent_events` `subject_id`, `consent_signing_keys` `private_jwk`, `subject_mail_outbox` `reason`, `privacy_request_tasks` `note`).',
      example: { table: 'customers', tenant: 'acme' },
      type: 'object',
      additionalProperties: { type: 'string' },
    }),
    IsOptional(),
    IsStringMap(),
    NoServiceContextKeys(),
  );
}

// The batch bodies carry up to 1,000 fields: their usual form skips class-validator.
@Prechecked(isPlainEncryptBatch)
export class EncryptRequestDto {
  @ApiPropertyOptional({
    description: 'Keyring alias to encrypt under; the service default when absent',
    example: 'pii',
  })
  @IsOptional()
  @Matches(KEY_ALIAS, { message: 'keyAlias must be 1-64 of [A-Za-z0-9._-]' })
  keyAlias?: string;

  @ApiPropertyOptional({
    description: "Encrypt under this subject's own data key, so that crypto-shredding can erase it",
    example: 'user-8f14e45f',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_SUBJECT_ID_LENGTH)
  subjectId?: string;

  @FieldContext()
  context?: Record<string, string>;

  @ApiProperty({
    description: 'Field name to plaintext; up to 1,000 fields a call',
    example: { email: 'jane@example.com', phone: '+44 20 7946 0018' },
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  @IsStringMap()
  @AsParsed()
  fields!: Record<string, string>;

  @ApiPropertyOptional({
    description:
      'Names of fields to return blind indexes for (trimmed, lower-cased, keyed per field name)',
    example: ['email'],
    type: [String],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_BLIND_INDEX_NAMES)
  @IsString({ each: true })
  @Matches(NOT_RESERVED_FIELD, { each: true, message: RESERVED_FIELD_MESSAGE })
  blindIndex?: string[];
}

export class EncryptResponseDto {
  @ApiProperty({
    description: 'Field name to ciphertext (self-describing, base64url)',
    example: { email: 'EANwaWkBAbS0e8lq3nQ8y1c2Yx...' },
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  fields!: Record<string, string>;

  @ApiPropertyOptional({
    description: 'Field name to blind index, for the fields named in `blindIndex`',
    example: { email: 'q3Vq0jv3b5nJ0bCkKXo3Ag' },
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  blindIndexes?: Record<string, string>;
}

@Prechecked(isPlainCiphertextBatch)
export class DecryptRequestDto {
  @FieldContext()
  context?: Record<string, string>;

  @ApiProperty({
    description: 'Field name to ciphertext; up to 1,000 fields a call',
    example: { email: 'EANwaWkBAbS0e8lq3nQ8y1c2Yx...' },
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  @IsStringMap()
  @AsParsed()
  fields!: Record<string, string>;
}

export class DecryptResponseDto {
  @ApiProperty({
    description: 'Field name to plaintext',
    example: { email: 'jane@example.com' },
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  fields!: Record<string, string>;
}

@Prechecked(isPlainCiphertextBatch)
export class RewrapRequestDto {
  @FieldContext()
  context?: Record<string, string>;

  @ApiProperty({
    description:
      'Field name to ciphertext; up to 1,000 fields a call. Each comes back under the active version of the keyring it names (a subject key stays that subject key), bound to the same context.',
    example: { email: 'EANwaWkBAbS0e8lq3nQ8y1c2Yx...' },
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  @IsStringMap()
  @AsParsed()
  fields!: Record<string, string>;
}

export class RewrapResponseDto {
  @ApiProperty({
    description: 'Field name to the new ciphertext',
    example: { email: 'EANwaWkCAX0d1m0rX8Hk2qZ9...' },
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  fields!: Record<string, string>;
}

export class BlindIndexRequestDto {
  @ApiProperty({
    description:
      'Field name; each field has its own index key. Names starting with `svc:` are reserved for the service (400).',
    example: 'email',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  @Matches(NOT_RESERVED_FIELD, { message: RESERVED_FIELD_MESSAGE })
  field!: string;

  @ApiProperty({
    description: 'Value to index (trimmed and lower-cased first)',
    example: 'Jane@Example.com',
  })
  @IsString()
  value!: string;
}

export class BlindIndexResponseDto {
  @ApiProperty({
    description: 'Keyed hash (base64url); equal for equal values of the same field',
    example: 'q3Vq0jv3b5nJ0bCkKXo3Ag',
  })
  blindIndex!: string;
}
