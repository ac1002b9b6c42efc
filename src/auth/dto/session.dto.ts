import { ApiProperty } from '@nestjs/swagger';

export class SessionDto {
  @ApiProperty({ example: '0b6e4f3e-1f7a-4d7e-8c55-1b0f5d2c9a10' })
  id!: string;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2026-11-23T09:42:00.000Z', description: 'Accurate to about a minute' })
  lastSeenAt!: string;

  @ApiProperty({ example: '2026-11-23T21:00:00.000Z', description: 'When it ends at the latest' })
  expiresAt!: string;

  @ApiProperty({
    example: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/145.0',
    nullable: true,
    type: String,
  })
  userAgent!: string | null;

  @ApiProperty({
    example: '203.0.113.0/24',
    nullable: true,
    type: String,
    description: 'The network it was opened from (IPv4 /24, IPv6 /48), never the full address',
  })
  address!: string | null;

  @ApiProperty({
    enum: ['password', 'mfa', 'oidc'],
    example: 'mfa',
    description: 'How it was opened',
  })
  method!: string;

  @ApiProperty({ example: true, description: 'This is the session of the calling token' })
  current!: boolean;
}

export class SessionListDto {
  @ApiProperty({ type: [SessionDto] })
  items!: SessionDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}
