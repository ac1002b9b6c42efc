import { ApiProperty } from '@nestjs/swagger';

export class WhoAmIDto {
  @ApiProperty({ enum: ['user', 'apiKey'], example: 'apiKey' })
  kind!: 'user' | 'apiKey';

  @ApiProperty({ example: '3f1c2a9e-6b1d-4c1e-9f7a-2d4b8e6c0a55' })
  id!: string;
}
