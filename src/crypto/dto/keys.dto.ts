import { KEYRING_KEY_TYPES, KeyringKeyType } from '@libs/crypto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';

export const KEY_PROVIDERS = ['local', 'aws-kms', 'pkcs11', 'rsa'] as const;
export type KeyProviderName = (typeof KEY_PROVIDERS)[number];

export class CreateKeyDto {
  @ApiProperty({ description: 'Keyring alias, 1-64 of [A-Za-z0-9._-]', example: 'billing' })
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'alias must be 1-64 of [A-Za-z0-9._-]' })
  alias!: string;

  @ApiProperty({
    description: 'Root key provider; must be the one this deployment is configured with',
    enum: KEY_PROVIDERS,
    example: 'local',
  })
  @IsIn(KEY_PROVIDERS)
  provider!: KeyProviderName;

  @ApiPropertyOptional({
    description:
      "The provider's key id (KMS ARN, PKCS#11 token/label, key name); checked against the configured root key",
    example: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  providerKeyId?: string;

  @ApiPropertyOptional({
    description:
      'What the keyring holds, fixed for its lifetime: field encryption keys (default), HMAC keys, or ES256 / Ed25519 signing keys',
    enum: KEYRING_KEY_TYPES,
    default: KeyringKeyType.Aes256Gcm,
    example: KeyringKeyType.EcdsaP256,
  })
  @IsOptional()
  @IsIn(KEYRING_KEY_TYPES)
  type?: KeyringKeyType;
}

export class UpdateKeySettingsDto {
  @ApiPropertyOptional({
    description:
      'Ciphertexts, HMACs and signatures under lower versions are refused (422); at most the active version',
    example: 2,
    minimum: 1,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  minDecryptionVersion?: number;

  @ApiPropertyOptional({
    description:
      'Rotate automatically once the active version is older than this: `<n>d`, `<n>h`, `<n>m` or `<n>s`, at least 1h; null turns it off',
    example: '90d',
    nullable: true,
    type: String,
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsString()
  @MaxLength(16)
  autoRotatePeriod?: string | null;
}

export class KeyVersionParamDto {
  @ApiProperty({ description: 'Keyring alias', example: 'pii' })
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'alias must be 1-64 of [A-Za-z0-9._-]' })
  alias!: string;

  @ApiProperty({ description: 'Key version', example: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  version!: number;
}

export class KeyDto {
  @ApiProperty({
    description: 'Id of this key version',
    example: '5f0c6c1e-3d4b-4b0e-9a55-0d7f5b0f3c11',
  })
  id!: string;

  @ApiProperty({ description: 'Keyring alias', example: 'pii' })
  alias!: string;

  @ApiProperty({
    description: 'Root key provider that wraps it',
    enum: KEY_PROVIDERS,
    example: 'local',
  })
  provider!: string;

  @ApiProperty({ description: 'Version; the highest is the active one', example: 2 })
  version!: number;

  @ApiProperty({ enum: KEYRING_KEY_TYPES, example: KeyringKeyType.Aes256Gcm })
  type!: KeyringKeyType;

  @ApiProperty({
    description:
      '`active` encrypts new data; `retired` only decrypts; `disabled` refuses everything under it (422)',
    enum: ['active', 'retired', 'disabled'],
    example: 'active',
  })
  status!: 'active' | 'retired' | 'disabled';

  @ApiProperty({ description: 'RFC 3339 UTC', example: '2026-11-23T09:00:00.000Z' })
  createdAt!: string;
}

export class KeyVersionDto extends KeyDto {
  @ApiProperty({
    description:
      'Whether data under this version can be decrypted (or verified): false when disabled or below minDecryptionVersion',
    example: true,
  })
  decryptable!: boolean;

  @ApiPropertyOptional({
    description: 'RFC 3339 UTC; when the version was disabled, null while enabled',
    nullable: true,
    type: String,
    example: null,
  })
  disabledAt!: string | null;
}

export class KeyListDto {
  @ApiProperty({ type: [KeyDto] })
  items!: KeyDto[];

  @ApiProperty({
    description: 'Cursor of the next page, null at the end',
    nullable: true,
    type: String,
    example: null,
  })
  nextCursor!: string | null;
}

export class KeyRotationDto {
  @ApiProperty({ description: 'Rotation id', example: '0b7c4f7e-9a3b-4c55-8a61-8e2b1f6d9a20' })
  id!: string;

  @ApiProperty({ description: 'Previous active version', example: 1 })
  fromVersion!: number;

  @ApiProperty({ description: 'New active version', example: 2 })
  toVersion!: number;

  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed'], example: 'running' })
  status!: 'queued' | 'running' | 'completed' | 'failed';

  @ApiProperty({ description: 'Subject data keys to re-wrap when the job started', example: 1200 })
  total!: number;

  @ApiProperty({ description: 'Subject data keys examined so far', example: 500 })
  processed!: number;

  @ApiProperty({ description: 'Subject data keys moved to the new version so far', example: 498 })
  rewrapped!: number;

  @ApiProperty({
    description: 'processed / total, 0..1 (1 when there was nothing to do)',
    example: 0.42,
  })
  progress!: number;

  @ApiProperty({ description: 'RFC 3339 UTC', example: '2026-11-23T09:00:00.000Z' })
  createdAt!: string;

  @ApiPropertyOptional({ description: 'RFC 3339 UTC', nullable: true, type: String, example: null })
  completedAt!: string | null;
}

export class KeyDetailDto {
  @ApiProperty({ description: 'Keyring alias', example: 'pii' })
  alias!: string;

  @ApiProperty({ enum: KEY_PROVIDERS, example: 'local' })
  provider!: string;

  @ApiPropertyOptional({
    description: "The provider's key id as registered",
    nullable: true,
    type: String,
    example: null,
  })
  providerKeyId!: string | null;

  @ApiProperty({ enum: KEYRING_KEY_TYPES, example: KeyringKeyType.Aes256Gcm })
  type!: KeyringKeyType;

  @ApiProperty({ description: 'Version new data is encrypted under', example: 2 })
  activeVersion!: number;

  @ApiProperty({ description: 'Lower versions are refused for decryption', example: 1 })
  minDecryptionVersion!: number;

  @ApiProperty({
    description: 'Automatic rotation period, null when off',
    nullable: true,
    type: String,
    example: '90d',
  })
  autoRotatePeriod!: string | null;

  @ApiProperty({ type: [KeyVersionDto] })
  versions!: KeyVersionDto[];

  @ApiPropertyOptional({
    description: 'The latest rotation and its re-wrap progress; null before the first rotation',
    type: KeyRotationDto,
    nullable: true,
  })
  rotation!: KeyRotationDto | null;
}
