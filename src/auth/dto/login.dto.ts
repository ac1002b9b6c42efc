import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsJWT,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { AuthenticationCredentialDto } from './webauthn.dto';

export class LoginDto {
  @ApiProperty({ example: 'dpo@example.com' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple', format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;
}

export class MfaVerifyDto {
  @ApiProperty({
    description: 'The mfaToken from the login step',
    example: 'eyJhbGciOiJIUzI1NiJ9.eyJ0eXAiOiJtZmEifQ.sig',
  })
  @IsJWT()
  @MaxLength(2048)
  mfaToken!: string;

  @ApiPropertyOptional({
    description: 'A 6-digit TOTP code or a backup code (or give webauthn instead)',
    example: '492039',
  })
  @IsOptional()
  @Matches(/^[0-9a-zA-Z -]{6,24}$/, { message: 'code must be a TOTP or backup code' })
  code?: string;

  @ApiPropertyOptional({
    type: AuthenticationCredentialDto,
    description:
      'A passkey assertion for the options of POST /v1/auth/mfa/webauthn/options (or give code instead)',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => AuthenticationCredentialDto)
  webauthn?: AuthenticationCredentialDto;
}

export class MfaConfirmDto {
  @ApiProperty({ description: 'A 6-digit code from the authenticator app', example: '492039' })
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code!: string;
}

const REFRESH_EXAMPLE =
  '0b6e4f3e-1f7a-4d7e-8c55-1b0f5d2c9a10.q2Zl0w3n4d5Y6x7c8v9b0n1m2a3s4d5f6g7h8j9k0lQ';

export class TokenDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig' })
  accessToken!: string;

  @ApiProperty({ example: 900, description: 'Seconds until the token expires' })
  expiresIn!: number;

  @ApiProperty({
    example: REFRESH_EXAMPLE,
    description:
      'Single use: POST /v1/auth/refresh trades it for new tokens while the session lives',
  })
  refreshToken!: string;
}

export class RefreshDto {
  @ApiProperty({ example: REFRESH_EXAMPLE })
  @IsString()
  @MaxLength(200)
  refreshToken!: string;
}

export class LoginResponseDto {
  @ApiProperty({ required: false, example: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig' })
  accessToken?: string;

  @ApiProperty({ required: false, example: 900 })
  expiresIn?: number;

  @ApiProperty({ required: false, example: REFRESH_EXAMPLE })
  refreshToken?: string;

  @ApiProperty({
    required: false,
    example: true,
    description: 'Present when a second factor is needed',
  })
  mfaRequired?: boolean;

  @ApiProperty({ required: false, example: 'eyJhbGciOiJIUzI1NiJ9.eyJ0eXAiOiJtZmEifQ.sig' })
  mfaToken?: string;

  @ApiProperty({
    required: false,
    enum: ['totp', 'webauthn'],
    isArray: true,
    example: ['webauthn'],
    description: 'With mfaRequired: the second factors the user has',
  })
  mfaMethods?: Array<'totp' | 'webauthn'>;

  @ApiProperty({
    required: false,
    example: true,
    description:
      'MFA_REQUIRED and the user has no second factor yet: until one is enrolled, only enrolment (and the session endpoints) answer',
  })
  mfaEnrolmentRequired?: boolean;
}

export class TotpEnrollDto {
  @ApiProperty({ example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' })
  secret!: string;

  @ApiProperty({
    example:
      'otpauth://totp/Privacy%20Service:dpo%40example.com?secret=JBSW...&issuer=Privacy%20Service',
  })
  otpauthUrl!: string;
}

export class BackupCodesDto {
  @ApiProperty({
    type: [String],
    example: ['k3m9x2p7qa', 'w8n4r6t2zc'],
    description: 'Shown once; each works once',
  })
  backupCodes!: string[];
}

const NEW_PASSWORD_RULES =
  'At least 12 characters, not containing the e-mail address, not on the list of common and breached passwords, and a zxcvbn strength of 3 or more (422 naming the rule otherwise).';

export class ChangePasswordDto {
  @ApiProperty({ example: 'the password used until now', format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  currentPassword!: string;

  @ApiProperty({
    example: 'a new long passphrase',
    format: 'password',
    description: NEW_PASSWORD_RULES,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  newPassword!: string;
}

export class CompleteResetDto {
  @ApiProperty({
    example: '0b6e4f3e-1f7a-4d7e-8c55-1b0f5d2c9a10.q2Zl0w3n4d5Y6x7c8v9b0n1m2a3s4d5f6g7h8j9k0lQ',
  })
  @IsString()
  @MaxLength(200)
  resetToken!: string;

  @ApiProperty({
    example: 'a new long passphrase',
    format: 'password',
    description: NEW_PASSWORD_RULES,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  newPassword!: string;
}
