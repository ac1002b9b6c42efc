import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  Max,
  Min,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { ROLES, Role, SCOPES, Scope } from 'src/common/access/caller';

export const PASSWORD_RULES =
  'At least 12 characters, not containing the e-mail address, not on the list of common and breached passwords, and a zxcvbn strength of 3 or more; a password that breaks a rule is a 422 naming it (password-too-short, password-contains-email, password-common, password-too-weak).';

export class CreateUserDto {
  @ApiProperty({ example: 'dpo@example.com' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({
    example: 'a long passphrase of 12+ chars',
    minLength: 12,
    format: 'password',
    description: PASSWORD_RULES,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['dpo'] })
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles!: Role[];
}

export class UserDto {
  @ApiProperty({ example: '0b6e4f3e-1f7a-4d7e-8c55-1b0f5d2c9a10' })
  id!: string;

  @ApiProperty({ example: 'dpo@example.com' })
  email!: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['dpo'] })
  roles!: Role[];
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'checkout-backend', description: 'What the key is for' })
  @Matches(/^[\w .:-]{1,100}$/, { message: 'name must be 1-100 letters, digits, spaces or ._:-' })
  name!: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['consent:read', 'consent:write'] })
  @ArrayMinSize(1)
  @ArrayMaxSize(SCOPES.length)
  @ArrayUnique()
  @IsIn(SCOPES, { each: true })
  scopes!: Scope[];

  @ApiPropertyOptional({
    description:
      'Keyring aliases the key may use for crypto calls (`403` on any other); every alias when absent. Each must exist.',
    example: ['billing'],
    type: [String],
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, {
    each: true,
    message: 'keyAliases must each be 1-64 of [A-Za-z0-9._-]',
  })
  keyAliases?: string[];

  @ApiPropertyOptional({
    description:
      "Requests per minute for this key, instead of the service's default budget (RATE_LIMIT_API_KEY_DEFAULT)",
    example: 120000,
    minimum: 1,
    maximum: 10000000,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  rateLimitPerMinute?: number;
}

export class ApiKeyDto {
  @ApiProperty({ example: '3f1c2a9e-6b1d-4c1e-9f7a-2d4b8e6c0a55' })
  id!: string;

  @ApiProperty({ example: 'checkout-backend' })
  name!: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['consent:read'] })
  scopes!: Scope[];

  @ApiProperty({
    example: ['billing'],
    nullable: true,
    type: [String],
    description: 'Keyring aliases its crypto calls are limited to; null: every alias',
  })
  keyAliases!: string[] | null;

  @ApiProperty({
    example: 120000,
    nullable: true,
    type: Number,
    description: "The key's own requests per minute; null: the default budget",
  })
  rateLimitPerMinute!: number | null;

  @ApiProperty({ example: 'psk_AbC123', description: 'First characters of the key' })
  prefix!: string;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2026-11-23T09:30:00.000Z', nullable: true, type: String })
  lastUsedAt!: string | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  revokedAt!: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    example: 'psk_q2Zl0w3n4d5Y6x7c8v9b0n1m2a3s4d5f6g7h8j9k0lQ',
    description: 'Shown once',
  })
  key!: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] })
  items!: ApiKeyDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ROLES, isArray: true, example: ['auditor'] })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles?: Role[];

  @ApiPropertyOptional({
    example: true,
    description: 'true: no login, and every session of the user ends at once',
  })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class UserDetailsDto extends UserDto {
  @ApiProperty({ example: false })
  disabled!: boolean;

  @ApiProperty({ example: true, description: 'A second factor (TOTP or a passkey) is set up' })
  secondFactor!: boolean;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  createdAt!: string;
}

export class UserListDto {
  @ApiProperty({ type: [UserDetailsDto] })
  items!: UserDetailsDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}

export class PasswordResetDto {
  @ApiProperty({
    example: '0b6e4f3e-1f7a-4d7e-8c55-1b0f5d2c9a10.q2Zl0w3n4d5Y6x7c8v9b0n1m2a3s4d5f6g7h8j9k0lQ',
    description: 'Shown once: hand it to the user, who sets a new password with it',
  })
  resetToken!: string;

  @ApiProperty({ example: '2026-11-24T09:00:00.000Z' })
  expiresAt!: string;
}
