import { SignatureAlgorithm } from '@libs/crypto';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export const DATA_ENCODINGS = ['utf8', 'base64'] as const;
export type DataEncoding = (typeof DATA_ENCODINGS)[number];

/** base64 of 64 KiB; the decoded size is checked again after decoding. */
const MAX_DATA_CHARS = 87_384;

function KeyAlias(description: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ description, example: 'tokens' }),
    Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'keyAlias must be 1-64 of [A-Za-z0-9._-]' }),
  );
}

function Data(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      description:
        'The message: UTF-8 text by default, or base64 (standard alphabet, padded) of raw bytes with `encoding: "base64"`; at most 64 KiB once decoded',
      example: 'customer:4711',
      maxLength: MAX_DATA_CHARS,
    }),
    IsString(),
    MaxLength(MAX_DATA_CHARS),
  );
}

function Encoding(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      description: 'How `data` is written',
      enum: DATA_ENCODINGS,
      default: 'utf8',
    }),
    IsOptional(),
    IsIn(DATA_ENCODINGS),
  );
}

const TOKEN_CHARS = 400;

export class HmacRequestDto {
  @KeyAlias('Keyring of type hmac-sha256')
  keyAlias!: string;

  @Data()
  data!: string;

  @Encoding()
  encoding?: DataEncoding;
}

export class HmacResponseDto {
  @ApiProperty({
    description:
      '`hmac:v1:<alias>:<key version>:<base64url HMAC-SHA-256>`; the same data and key version give the same value',
    example: 'hmac:v1:tokens:1:7RIelW48mxREZAXbT_zC4IHMJpIFu-cVwbMbTDzodLE',
  })
  hmac!: string;
}

export class HmacVerifyRequestDto {
  @ApiPropertyOptional({
    description: 'When given, the HMAC must name this alias',
    example: 'tokens',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'keyAlias must be 1-64 of [A-Za-z0-9._-]' })
  keyAlias?: string;

  @Data()
  data!: string;

  @Encoding()
  encoding?: DataEncoding;

  @ApiProperty({
    description: 'An HMAC from POST /v1/crypto/hmac',
    example: 'hmac:v1:tokens:1:7RIelW48mxREZAXbT_zC4IHMJpIFu-cVwbMbTDzodLE',
  })
  @IsString()
  @MaxLength(TOKEN_CHARS)
  hmac!: string;
}

export class SignRequestDto {
  @KeyAlias('Keyring of type ecdsa-p256 or ed25519')
  keyAlias!: string;

  @Data()
  data!: string;

  @Encoding()
  encoding?: DataEncoding;

  @ApiPropertyOptional({
    description: "Must match the key's type when given: ES256 for ecdsa-p256, EdDSA for ed25519",
    enum: SignatureAlgorithm,
    example: SignatureAlgorithm.ES256,
  })
  @IsOptional()
  @IsIn(Object.values(SignatureAlgorithm))
  algorithm?: SignatureAlgorithm;
}

export class SignResponseDto {
  @ApiProperty({
    description:
      '`sig:v1:<alias>:<key version>:<base64url signature>`; ES256 signatures are r||s (64 bytes, as in JWS); `<alias>:<key version>` is the kid of the public key',
    example:
      'sig:v1:receipts:2:DAxioQWqDiCbkEfEFASg5LFp79seMFEKhMydKU8vjBGP9TrL_yTHJk7Ib_priBYwbkmyIuQ38THQRtT2LNdJxw',
  })
  signature!: string;
}

export class VerifyRequestDto {
  @KeyAlias('Keyring of type ecdsa-p256 or ed25519')
  keyAlias!: string;

  @Data()
  data!: string;

  @Encoding()
  encoding?: DataEncoding;

  @ApiProperty({
    description: 'A signature from POST /v1/crypto/sign',
    example:
      'sig:v1:receipts:2:DAxioQWqDiCbkEfEFASg5LFp79seMFEKhMydKU8vjBGP9TrL_yTHJk7Ib_priBYwbkmyIuQ38THQRtT2LNdJxw',
  })
  @IsString()
  @MaxLength(TOKEN_CHARS)
  signature!: string;
}

export class VerifyResponseDto {
  @ApiProperty({ description: 'Whether the HMAC or signature matches the data', example: true })
  valid!: boolean;
}

export class PublicJwkDto {
  @ApiProperty({
    description: '`<alias>:<key version>`, as named in signatures',
    example: 'receipts:2',
  })
  kid!: string;

  @ApiProperty({ enum: ['EC', 'OKP'], example: 'EC' })
  kty!: string;

  @ApiProperty({ enum: ['P-256', 'Ed25519'], example: 'P-256' })
  crv!: string;

  @ApiProperty({ example: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU' })
  x!: string;

  @ApiPropertyOptional({
    description: 'EC keys only',
    example: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  })
  y?: string;

  @ApiProperty({ enum: SignatureAlgorithm, example: SignatureAlgorithm.ES256 })
  alg!: SignatureAlgorithm;

  @ApiProperty({ enum: ['sig'], example: 'sig' })
  use!: 'sig';
}

export class PublicJwksDto {
  @ApiProperty({
    type: [PublicJwkDto],
    description:
      'Every version that still verifies (not disabled, not below the minimum), oldest first',
  })
  keys!: PublicJwkDto[];
}
