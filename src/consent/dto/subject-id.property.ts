import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { MAX_SUBJECT_ID_LENGTH } from '../consent.types';

/** A consent subject id as callers send it: documented and validated alike everywhere. */
export function SubjectIdProperty(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      description: 'The data subject, as the product knows them (may be an e-mail); 1-256 chars',
      example: 'jane.doe@example.com',
      maxLength: MAX_SUBJECT_ID_LENGTH,
    }),
    IsString(),
    MinLength(1),
    MaxLength(MAX_SUBJECT_ID_LENGTH),
    Matches(/\S/, { message: 'subjectId must not be blank' }),
  );
}
