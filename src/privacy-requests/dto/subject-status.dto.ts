import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PrivacyRequestCoreDto } from './privacy-request-core.dto';
import { REQUEST_STATUSES, RequestStatus } from '../privacy-request.state';

export class SubjectDownloadDto {
  @ApiProperty({
    example:
      'https://privacy.example.com/v1/public/exports/5d9f1f3a-4b7e-4f3c-9a0e-2c6b1e8d7f10.1767772800.q1w2e3',
    description: 'Downloads the ZIP package without other credentials until it expires',
  })
  url!: string;

  @ApiProperty({ example: '2027-01-07T09:00:00.000Z' })
  expiresAt!: string;
}

/** What a data subject sees of their request. */
export class SubjectStatusDto extends PrivacyRequestCoreDto {
  @ApiProperty({
    example: '2027-01-04T22:59:59.999Z',
    description: 'When the answer is due (the extended date once extended)',
  })
  dueAt!: string;

  @ApiProperty({ example: '2027-01-04', description: 'The day it is due, in `timeZone`' })
  localDueDate!: string;

  @ApiProperty({ example: 'Europe/Brussels', description: "The jurisdiction's time zone" })
  timeZone!: string;

  @ApiProperty({ example: false })
  extended!: boolean;

  @ApiPropertyOptional({ example: '2026-12-03T09:05:00.000Z' })
  completedAt?: string;

  @ApiPropertyOptional({
    example: 'We could not confirm that you are the person the data is about',
    description: 'Only for a rejected request: the reason the subject was given',
  })
  rejectionReason?: string;

  @ApiPropertyOptional({
    type: SubjectDownloadDto,
    description:
      'Only for a completed access request whose package is still kept (see EXPORT_LINK_TTL): a fresh link to it',
  })
  download?: SubjectDownloadDto;
}

export class VerifiedPrivacyRequestDto {
  @ApiProperty({ example: '5d9f1f3a-4b7e-4f3c-9a0e-2c6b1e8d7f10' })
  id!: string;

  @ApiProperty({ enum: REQUEST_STATUSES, example: 'queued' })
  status!: RequestStatus;

  @ApiProperty({
    example: 'Jx2v4c9Qm0Vb8R1tZs7yUo3nKd5wLe6fHa2gPi4jXq0',
    description:
      'The capability to look the request up with (GET /v1/public/privacy-requests/{id}, header `Authorization: Bearer <statusToken>`). Shown once; only its hash is kept, so keep it.',
  })
  statusToken!: string;
}
