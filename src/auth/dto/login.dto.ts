import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsJWT, IsString, Matches, MaxLength, MinLength } from 'class-validator';

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

  @ApiProperty({ description: 'A 6-digit TOTP code or a backup code', example: '492039' })
  @Matches(/^[0-9a-zA-Z -]{6,24}$/, { message: 'code must be a TOTP or backup code' })
  code!: string;
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
