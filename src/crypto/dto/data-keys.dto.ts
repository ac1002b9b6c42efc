import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { FieldContext } from './field-crypto.dto';

export class GenerateDataKeyRequestDto {
  @ApiPropertyOptional({
    description: 'Keyring alias to wrap the data key under; the service default when absent',
    example: 'documents',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'keyAlias must be 1-64 of [A-Za-z0-9._-]' })
  keyAlias?: string;

  @FieldContext()
  context?: Record<string, string>;

  @ApiPropertyOptional({
    description: 'Length of the data key in bytes',
    enum: [16, 24, 32],
    default: 32,
    example: 32,
  })
  @IsOptional()
  @IsIn([16, 24, 32], { message: 'bytes must be 16, 24 or 32' })
  bytes?: 16 | 24 | 32;
}

export class GeneratedDataKeyDto {
  @ApiProperty({
    description:
      'The data key (base64): encrypt locally with it, then discard it; never store it. Sent with Cache-Control: no-store.',
    example: 'q1dlR0p6b2FzZGZhc2RmYXNkZmFzZGZhc2RmYXNkZmE=',
  })
  plaintextKey!: string;

  @ApiProperty({
    description:
      'The data key wrapped under the keyring key (base64url, self-describing: format, alias, version); store it beside the encrypted data',
    example: '0QlkZG9jdW1lbnRzAXpLq7c0Uk1vH2c...',
  })
  wrappedKey!: string;
}

export class UnwrapDataKeyRequestDto {
  @ApiProperty({
    description: 'A wrappedKey returned by POST /v1/crypto/data-keys',
    example: '0QlkZG9jdW1lbnRzAXpLq7c0Uk1vH2c...',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  wrappedKey!: string;

  @FieldContext()
  context?: Record<string, string>;
}

export class UnwrappedDataKeyDto {
  @ApiProperty({
    description: 'The data key (base64). Sent with Cache-Control: no-store.',
    example: 'q1dlR0p6b2FzZGZhc2RmYXNkZmFzZGZhc2RmYXNkZmE=',
  })
  plaintextKey!: string;
}
