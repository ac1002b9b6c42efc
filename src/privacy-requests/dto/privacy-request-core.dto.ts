import { ApiProperty } from '@nestjs/swagger';
import {
  JURISDICTIONS,
  Jurisdiction,
  REQUEST_TYPES,
  RequestType,
} from '../deadlines/deadline-rules';
import { REQUEST_STATUSES, RequestStatus } from '../privacy-request.state';

/** What every view of a request starts with: the DPO's, the list's and the data subject's. */
export class PrivacyRequestCoreDto {
  @ApiProperty({ example: '5d9f1f3a-4b7e-4f3c-9a0e-2c6b1e8d7f10' })
  id!: string;

  @ApiProperty({ enum: REQUEST_TYPES, example: 'access' })
  type!: RequestType;

  @ApiProperty({ enum: REQUEST_STATUSES, example: 'in_progress' })
  status!: RequestStatus;

  @ApiProperty({ enum: JURISDICTIONS, example: 'GDPR' })
  jurisdiction!: Jurisdiction;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  receivedAt!: string;
}
