import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class SubjectParamDto {
  @ApiProperty({ description: 'The subject id used when encrypting', example: 'user-8f14e45f' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  subjectId!: string;
}
