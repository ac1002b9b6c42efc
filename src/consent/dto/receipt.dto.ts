import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class ReceiptClaimsDto {
  @ApiProperty({ description: 'Issuer: the service', example: 'http://localhost:3000' })
  iss!: string;

  @ApiProperty({
    description: 'Subject reference (a keyed blind index, never the raw identifier)',
    example: 'cs1_Yk3mY2Q0ZTA1ZDk2',
  })
  sub!: string;

  @ApiProperty({ description: 'Receipt id', example: '8d7f3b9a-5a2e-4c0b-b1f4-3e2d1c0b9a87' })
  jti!: string;

  @ApiProperty({ description: 'Issued at (seconds since the epoch)', example: 1795424400 })
  iat!: number;

  @ApiProperty({ example: 'marketing-email' })
  purpose!: string;

  @ApiProperty({ example: 2 })
  purposeVersion!: number;

  @ApiProperty({ enum: ['granted', 'withdrawn'], example: 'granted' })
  decision!: 'granted' | 'withdrawn';

  @ApiProperty({ example: 'web' })
  source!: string;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  recordedAt!: string;

  @ApiProperty({ nullable: true, type: String, example: null })
  expiresAt!: string | null;
}

export class ReceiptDto {
  @ApiProperty({ example: '8d7f3b9a-5a2e-4c0b-b1f4-3e2d1c0b9a87' })
  receiptId!: string;

  @ApiProperty({
    description:
      'Compact JWS (ES256); verify with the key of its kid from /v1/.well-known/jwks.json',
    example: 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImNrXzEiLCJ0eXAiOiJjb25zZW50LXJlY2VpcHQrand0In0.eyJ...',
  })
  receipt!: string;

  @ApiProperty({ description: 'Signing key id', example: 'ck_20261123_ab12cd34' })
  kid!: string;

  @ApiProperty({
    type: ReceiptClaimsDto,
    description: 'The signed claims, decoded for convenience',
  })
  claims!: ReceiptClaimsDto;
}

export class ReceiptIdParamDto {
  @ApiProperty({ example: '8d7f3b9a-5a2e-4c0b-b1f4-3e2d1c0b9a87' })
  @IsUUID()
  receiptId!: string;
}

export class JwkDto {
  @ApiProperty({ example: 'EC' })
  kty!: string;

  @ApiProperty({ example: 'P-256' })
  crv!: string;

  @ApiProperty({ example: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU' })
  x!: string;

  @ApiProperty({ example: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' })
  y!: string;

  @ApiProperty({ example: 'ck_20261123_ab12cd34' })
  kid!: string;

  @ApiProperty({ example: 'ES256' })
  alg!: string;

  @ApiProperty({ example: 'sig' })
  use!: string;
}

export class JwksDto {
  @ApiProperty({ type: [JwkDto], description: 'Current and earlier receipt-signing keys' })
  keys!: JwkDto[];
}

export class SigningKeyDto {
  @ApiProperty({ example: 'ck_20261123_ab12cd34' })
  kid!: string;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  createdAt!: string;
}
