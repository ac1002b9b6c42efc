import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class AliasParamDto {
  @ApiProperty({ description: 'Keyring alias', example: 'pii' })
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'alias must be 1-64 of [A-Za-z0-9._-]' })
  alias!: string;
}
