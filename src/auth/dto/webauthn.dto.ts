import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsIn,
  IsInt,
  IsJWT,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

const B64URL = /^[A-Za-z0-9_-]*$/;
const B64URL_MESSAGE = 'must be base64url';

class AttestationResponseDto {
  @ApiProperty({ description: 'base64url' })
  @Matches(B64URL, { message: B64URL_MESSAGE })
  @MaxLength(4096)
  clientDataJSON!: string;

  @ApiProperty({ description: 'base64url CBOR' })
  @Matches(B64URL, { message: B64URL_MESSAGE })
  @MaxLength(16384)
  attestationObject!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(B64URL, { message: B64URL_MESSAGE })
  @MaxLength(16384)
  authenticatorData?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @ArrayMaxSize(10)
  @IsIn(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'], { each: true })
  transports?: string[];

  @ApiPropertyOptional({ example: -7 })
  @IsOptional()
  @IsInt()
  publicKeyAlgorithm?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(B64URL, { message: B64URL_MESSAGE })
  @MaxLength(4096)
  publicKey?: string;
}

class AssertionResponseDto {
  @ApiProperty({ description: 'base64url' })
  @Matches(B64URL, { message: B64URL_MESSAGE })
  @MaxLength(4096)
  clientDataJSON!: string;

  @ApiProperty({ description: 'base64url' })
  @Matches(B64URL, { message: B64URL_MESSAGE })
  @MaxLength(4096)
  authenticatorData!: string;

  @ApiProperty({ description: 'base64url' })
  @Matches(B64URL, { message: B64URL_MESSAGE })
  @MaxLength(1024)
  signature!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(B64URL, { message: B64URL_MESSAGE })
  @MaxLength(1024)
  userHandle?: string;
}

abstract class PublicKeyCredentialDto {
  @ApiProperty({ description: 'Credential id, base64url' })
  @Matches(B64URL, { message: B64URL_MESSAGE })
  @MaxLength(1024)
  id!: string;

  @ApiProperty({ description: 'The same id, base64url' })
  @Matches(B64URL, { message: B64URL_MESSAGE })
  @MaxLength(1024)
  rawId!: string;

  @ApiProperty({ enum: ['public-key'] })
  @IsIn(['public-key'])
  type!: 'public-key';

  @ApiPropertyOptional({ enum: ['platform', 'cross-platform'] })
  @IsOptional()
  @IsIn(['platform', 'cross-platform'])
  authenticatorAttachment?: 'platform' | 'cross-platform';

  @ApiProperty({ type: Object, example: {} })
  @IsObject()
  clientExtensionResults!: Record<string, unknown>;
}

/** A `navigator.credentials.create()` result as @simplewebauthn/browser serialises it. */
export class RegistrationCredentialDto extends PublicKeyCredentialDto {
  @ApiProperty({ type: AttestationResponseDto })
  @ValidateNested()
  @Type(() => AttestationResponseDto)
  response!: AttestationResponseDto;
}

/** A `navigator.credentials.get()` result as @simplewebauthn/browser serialises it. */
export class AuthenticationCredentialDto extends PublicKeyCredentialDto {
  @ApiProperty({ type: AssertionResponseDto })
  @ValidateNested()
  @Type(() => AssertionResponseDto)
  response!: AssertionResponseDto;
}

export class RegisterPasskeyDto {
  @ApiProperty({ example: 'YubiKey 5C on the office keyring', description: 'Shown in the list' })
  @IsString()
  @Matches(/^[^\p{Cc}]{1,100}$/u, { message: 'name must be 1-100 printable characters' })
  name!: string;

  @ApiProperty({ type: RegistrationCredentialDto })
  @ValidateNested()
  @Type(() => RegistrationCredentialDto)
  response!: RegistrationCredentialDto;
}

export class PasskeyDto {
  @ApiProperty({ example: '0b6e4f3e-1f7a-4d7e-8c55-1b0f5d2c9a10' })
  id!: string;

  @ApiProperty({ example: 'YubiKey 5C on the office keyring' })
  name!: string;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2026-11-24T08:12:00.000Z', nullable: true, type: String })
  lastUsedAt!: string | null;
}

export class PasskeyListDto {
  @ApiProperty({ type: [PasskeyDto] })
  items!: PasskeyDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}

export class WebauthnLoginOptionsDto {
  @ApiProperty({ description: 'The mfaToken from the login step' })
  @IsJWT()
  @MaxLength(2048)
  mfaToken!: string;
}
