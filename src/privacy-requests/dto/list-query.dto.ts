import { IsTimestamp } from 'src/common/http/is-timestamp.decorator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from 'src/common/pagination/page-query.dto';
import { REQUEST_TYPES, RequestType } from '../deadlines/deadline-rules';
import { REQUEST_STATUSES, RequestStatus } from '../privacy-request.state';

export class ListPrivacyRequestsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: REQUEST_STATUSES, example: 'queued' })
  @IsOptional()
  @IsIn(REQUEST_STATUSES)
  status?: RequestStatus;

  @ApiPropertyOptional({ enum: REQUEST_TYPES, example: 'erasure' })
  @IsOptional()
  @IsIn(REQUEST_TYPES)
  type?: RequestType;

  @ApiPropertyOptional({ example: true, description: 'Only open requests past their due date' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ example: '2026-12-31T00:00:00Z' })
  @IsOptional()
  @IsTimestamp()
  dueBefore?: string;
}
