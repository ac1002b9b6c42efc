import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
} from 'class-validator';

export const WEBHOOK_EVENTS = ['consent.changed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const URL_RULE = {
  protocols: ['http', 'https'],
  require_protocol: true,
  require_tld: false,
  allow_underscores: true,
};

export class CreateWebhookDto {
  @ApiProperty({
    description: 'Where events are POSTed',
    example: 'https://crm.example.com/hooks/consent',
  })
  @IsUrl(URL_RULE)
  @MaxLength(2000)
  url!: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENTS, isArray: true, example: ['consent.changed'] })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENTS, { each: true })
  events?: WebhookEvent[];

  @ApiPropertyOptional({ example: 'CRM sync' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  description?: string;
}

/** Any field of a registration, and pausing or resuming it. */
export class UpdateWebhookDto extends PartialType(CreateWebhookDto) {
  @ApiPropertyOptional({ description: 'Pause or resume deliveries', example: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class WebhookDto {
  @ApiProperty({ example: '6a1f0e2d-3c4b-4a59-8e7d-1f2e3d4c5b6a' })
  id!: string;

  @ApiProperty({
    example: 'https://***:***@crm.example.com/hooks/consent?token=***',
    description:
      'The target as shown: user name, password, query values and fragment masked as `***` (deliveries use the URL as given)',
  })
  url!: string;

  @ApiProperty({ nullable: true, type: String, example: 'CRM sync' })
  description!: string | null;

  @ApiProperty({ enum: WEBHOOK_EVENTS, isArray: true, example: ['consent.changed'] })
  events!: WebhookEvent[];

  @ApiProperty({ example: true })
  active!: boolean;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  updatedAt!: string;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({
    description:
      'HMAC-SHA-256 signing secret, shown once. Deliveries carry ' +
      'X-Webhook-Signature: t=<unix seconds>,v1=<hex HMAC of "<t>.<raw body>">',
    example: 'whsec_1Nq3x0bF0m9xK2yQw8VtL5rZ7cD4eH6jA1sG3uP0oI',
  })
  secret!: string;
}

export class WebhookListDto {
  @ApiProperty({ type: [WebhookDto] })
  items!: WebhookDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}
