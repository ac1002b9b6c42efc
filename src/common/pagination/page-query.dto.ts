import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class PageQueryDto {
  @ApiPropertyOptional({
    description: 'Page size',
    default: 50,
    minimum: 1,
    maximum: 500,
    example: 50,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 50;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page', example: 'MTIz' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
