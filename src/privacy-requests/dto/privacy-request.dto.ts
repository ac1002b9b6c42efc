import { IsTimestamp } from 'src/common/http/is-timestamp.decorator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  ValidateBy,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
  isIn,
  matches,
  maxLength,
  minLength,
} from 'class-validator';
import { isTimestamp } from 'src/common/http/is-timestamp.decorator';
import { Prechecked } from 'src/common/http/prechecked.decorator';
import {
  DEADLINE_RULES,
  DeadlineRule,
  JURISDICTIONS,
  Jurisdiction,
  REQUEST_TYPES,
  RequestType,
} from '../deadlines/deadline-rules';
import type { CorrectionValue } from 'src/data-stores/data-store.types';
import { IncidentClockDto } from 'src/incidents/dto/incident.dto';
import { PrivacyRequestCoreDto } from './privacy-request-core.dto';
import {
  IsIdentifierText,
  isIdentifierText,
  IsSubjectEmail,
  isSubjectEmail,
  SUBJECT_EMAIL_MAX_LENGTH,
} from 'src/data-stores/identity/subject-validators';
import { REQUEST_STATUSES, RequestStatus, TASK_STATUSES } from '../privacy-request.state';

const SUBJECT_ID_MAX_LENGTH = 200;
const PHONE = /^\+?[0-9 ()-]{5,30}$/;

export class SubjectDto {
  @ApiPropertyOptional({
    example: 'jane@example.com',
    description:
      'Trimmed, lower-cased and its domain put in IDNA ASCII form (punycode) before it is matched',
  })
  @IsOptional()
  @IsSubjectEmail()
  email?: string;

  @ApiPropertyOptional({
    example: 'cust-1029',
    description: 'Matched exactly; against an integer column only in canonical integer form',
  })
  @IsOptional()
  @IsString()
  @IsIdentifierText()
  @MinLength(1)
  @MaxLength(SUBJECT_ID_MAX_LENGTH)
  subjectId?: string;

  @ApiPropertyOptional({ example: '+44 20 7946 0018', description: 'Matched exactly' })
  @IsOptional()
  @Matches(PHONE, { message: 'phone must be a phone number' })
  phone?: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;
const IDENTIFIER_MESSAGE = 'must be a plain identifier (letters, digits, _ and $, up to 63)';
const MAX_CORRECTION_TEXT = 10_000;

/** A field's new value: text, a finite number, a boolean or null (checked later per column). */
function IsCorrectionValue(): PropertyDecorator {
  return ValidateBy({
    name: 'isCorrectionValue',
    validator: {
      validate: (value: unknown) =>
        value === null ||
        typeof value === 'boolean' ||
        (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && value.length <= MAX_CORRECTION_TEXT),
      defaultMessage: () =>
        `value must be text (up to ${MAX_CORRECTION_TEXT} characters), a number, a boolean or null`,
    },
  });
}

export class CorrectionDto {
  @ApiPropertyOptional({
    example: 'customers',
    description: 'The collection holding the field; without it, every collection that has it',
  })
  @IsOptional()
  @Matches(IDENTIFIER, { message: `collection ${IDENTIFIER_MESSAGE}` })
  collection?: string;

  @ApiProperty({
    example: 'name',
    description: 'A field that some data store description has (422 otherwise)',
  })
  @Matches(IDENTIFIER, { message: `field ${IDENTIFIER_MESSAGE}` })
  field!: string;

  @ApiProperty({
    example: 'Zoë Ñúñez',
    description:
      "The new value, checked against the column's type and size in every SQL store that has the field (422 otherwise); never logged or audited",
    oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }],
    nullable: true,
  })
  @IsDefined({ message: 'value is required (null clears the field)' })
  @IsCorrectionValue()
  value!: CorrectionValue;
}

// eslint-disable-next-line security/detect-unsafe-regex -- linear: one optional fraction after a fixed separator
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const JURISDICTION_DEFAULT =
  'Default: CCPA for opt_out_sale and opt_out_sharing (rights of the CCPA), else DEFAULT_JURISDICTION (GDPR unless configured)';

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' &&
  value !== null &&
  (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);

/** Each property of a plainly valid subject, as the decorators above accept it untransformed. */
const PLAIN_SUBJECT: Readonly<Record<string, (value: unknown) => boolean>> = {
  email: (v) => isSubjectEmail(v) && maxLength(v, SUBJECT_EMAIL_MAX_LENGTH),
  subjectId: (v) => isIdentifierText(v) && minLength(v, 1) && maxLength(v, SUBJECT_ID_MAX_LENGTH),
  phone: (v) => typeof v === 'string' && matches(v, PHONE),
};

/**
 * Each property of a plainly valid request without corrections or webhook (the common backend
 * call); any other property, a null, or a value the decorators would transform goes to the full
 * validation.
 */
const PLAIN_REQUEST: Readonly<Record<string, (value: unknown) => boolean>> = {
  type: (v) => isIn(v, REQUEST_TYPES),
  subject: (v) => isRecord(v) && isPlain(v, PLAIN_SUBJECT),
  jurisdiction: (v) => isIn(v, JURISDICTIONS),
  receivedAt: (v) => typeof v === 'string' && matches(v, RFC3339) && isTimestamp(v),
  notify: (v) => typeof v === 'boolean',
};

function isPlain(
  value: Readonly<Record<string, unknown>>,
  checks: Readonly<Record<string, (value: unknown) => boolean>>,
): boolean {
  for (const key of Object.keys(value)) {
    const check = Object.hasOwn(checks, key) ? checks[key] : undefined;
    if (check === undefined || !check(value[key])) {
      return false;
    }
  }
  return true;
}

const isPlainCreateRequest = (body: Readonly<Record<string, unknown>>): boolean =>
  body.type !== undefined && body.subject !== undefined && isPlain(body, PLAIN_REQUEST);

// What product backends send on every intake skips class-transformer and class-validator.
@Prechecked(isPlainCreateRequest, { subject: SubjectDto })
export class CreatePrivacyRequestDto {
  @ApiProperty({ enum: REQUEST_TYPES, example: 'access' })
  @IsIn(REQUEST_TYPES)
  type!: RequestType;

  @ApiProperty({ type: SubjectDto, description: 'At least one of email, subjectId, phone' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SubjectDto)
  subject!: SubjectDto;

  @ApiPropertyOptional({ enum: JURISDICTIONS, example: 'GDPR', description: JURISDICTION_DEFAULT })
  @IsOptional()
  @IsIn(JURISDICTIONS)
  jurisdiction?: Jurisdiction;

  @ApiPropertyOptional({
    example: '2026-11-23T08:15:00Z',
    description:
      'When the backend received the request (RFC 3339 with an offset); it starts the legal clock. Not in the future (a minute of clock skew is allowed) and at most 30 days back, else 422. Default: now.',
  })
  @IsOptional()
  @Matches(RFC3339, { message: 'receivedAt must be an RFC 3339 timestamp with an offset' })
  @IsTimestamp({ message: 'receivedAt must be a real date and time' })
  receivedAt?: string;

  @ApiPropertyOptional({
    type: [CorrectionDto],
    description:
      "For `rectification` only (required there): the new values, applied to the subject's rows in every SQL store that describes the field, and sent to every HTTP store",
    example: [{ collection: 'customers', field: 'name', value: 'Zoë Ñúñez' }],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CorrectionDto)
  corrections?: CorrectionDto[];

  @ApiPropertyOptional({
    description:
      'Mail the subject as for public requests: a receipt with the due date, an extension or rejection with its reason, and completion (for access, the download link). Needs `subject.email`.',
    example: true,
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  notify?: boolean;

  @ApiPropertyOptional({
    description: 'Told (POST {id, type, status}) when the request completes',
    example: 'https://shop.example.com/hooks/privacy',
  })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  webhookUrl?: string;
}

export class CreatePublicPrivacyRequestDto {
  @ApiProperty({ enum: REQUEST_TYPES, example: 'erasure' })
  @IsIn(REQUEST_TYPES)
  type!: RequestType;

  @ApiProperty({
    example: 'jane@example.com',
    description:
      'The one-time code is mailed here; trimmed, lower-cased and its domain put in IDNA ASCII form (punycode)',
  })
  @IsSubjectEmail()
  email!: string;

  @ApiPropertyOptional({ enum: JURISDICTIONS, example: 'GDPR', description: JURISDICTION_DEFAULT })
  @IsOptional()
  @IsIn(JURISDICTIONS)
  jurisdiction?: Jurisdiction;
}

export class VerifyDto {
  @ApiProperty({ example: '042917', description: 'The six-digit code from the mail' })
  @Matches(/^\d{6}$/, { message: 'code must be six digits' })
  code!: string;
}

export class ReasonDto {
  @ApiProperty({ example: 'Request is complex: several systems hold the data' })
  @IsString()
  @MinLength(3)
  @MaxLength(1000)
  reason!: string;
}

/** The answer to a filed request; also what a resend with its Idempotency-Key gets. */
export function createdPrivacyRequest(r: {
  id: string;
  status: RequestStatus;
  dueAt: Date;
}): CreatedPrivacyRequestDto {
  return { id: r.id, status: r.status, dueAt: r.dueAt.toISOString() };
}

export class CreatedPrivacyRequestDto {
  @ApiProperty({ example: '5d9f1f3a-4b7e-4f3c-9a0e-2c6b1e8d7f10' })
  id!: string;

  @ApiProperty({ enum: REQUEST_STATUSES, example: 'queued' })
  status!: RequestStatus;

  @ApiPropertyOptional({
    example: '2026-12-23T22:59:59.999Z',
    description: "The end of the last day of the period in the jurisdiction's time zone",
  })
  dueAt?: string;
}

export class CreatedPublicPrivacyRequestDto {
  @ApiProperty({ example: '5d9f1f3a-4b7e-4f3c-9a0e-2c6b1e8d7f10' })
  id!: string;

  @ApiProperty({
    enum: REQUEST_STATUSES,
    example: 'pending_verification',
    description: '`queued` for an opt-out, which needs no code',
  })
  status!: RequestStatus;

  @ApiPropertyOptional({
    example: 'Jx2v4c9Qm0Vb8R1tZs7yUo3nKd5wLe6fHa2gPi4jXq0',
    description:
      'Opt-outs only (they need no code): the capability to look the request up with, as verification answers it for other types. Shown once.',
  })
  statusToken?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['0b6c2f1e-8e44-4c1d-9c57-6f0f3f1f2a11', '7a1d9e52-3c0b-4a8e-b0d4-2e9c6b7f5d33'],
    description: 'With `Sec-GPC: 1`: the opt-outs of sale and sharing it filed, already queued',
  })
  gpcOptOuts?: string[];
}

export class TaskDto {
  @ApiProperty({ example: 'shop-db' })
  dataStore!: string;

  @ApiProperty({ enum: TASK_STATUSES, example: 'completed' })
  status!: string;

  @ApiProperty({ example: 1 })
  attempts!: number;

  @ApiPropertyOptional({ example: 'erased 12 rows' })
  detail?: string;

  @ApiPropertyOptional({
    description:
      'Per step: what was done to which collection and how many rows (`deleted`, `updated`, `unlinked`: a kept row lost its reference to a deleted one, `cascaded`/`nulled`: the store did it by its foreign key). For an erasure of a SQL store, `remaining`: rows per collection that still reach the subject when read again after the erasure (all 0, or the task fails).',
    example: {
      collections: [
        { collection: 'orders', action: 'updated', rows: 3 },
        { collection: 'orders', action: 'unlinked', rows: 3 },
        { collection: 'customers', action: 'deleted', rows: 1 },
      ],
      remaining: { orders: 0, customers: 0 },
    },
  })
  result?: object;
}

export class EventDto {
  @ApiProperty({ example: 'privacy_request.queued' })
  action!: string;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  at!: string;

  @ApiProperty({ example: 'api_key' })
  actorType!: string;

  @ApiProperty({ example: { from: 'pending_verification', to: 'queued' } })
  details!: object;
}

export class PrivacyRequestDto extends PrivacyRequestCoreDto {
  @ApiProperty({
    example: '2026-12-23T22:59:59.999Z',
    description:
      "End of the period's last day in the jurisdiction's time zone (23 Dec in Brussels here)",
  })
  dueAt!: string;

  @ApiProperty({
    enum: DEADLINE_RULES,
    example: 'gdpr-1-calendar-month',
    description: 'The rule that set dueAt',
  })
  dueRule!: DeadlineRule;

  @ApiPropertyOptional({ example: '2027-02-23T22:59:59.999Z', description: 'Set by an extension' })
  extendedDueAt?: string;

  @ApiPropertyOptional({
    enum: DEADLINE_RULES,
    example: 'gdpr-extended-3-calendar-months',
    description: 'The rule that set extendedDueAt (counted from receipt)',
  })
  extendedRule?: DeadlineRule;

  @ApiPropertyOptional({
    example: 'Request is complex: several systems hold the data',
    description: 'Why the deadline was extended, as the DPO gave it',
  })
  extensionReason?: string;

  @ApiPropertyOptional({
    example: '2026-12-08T07:59:59.999Z',
    description:
      'CCPA requests to know, delete and correct: receipt is to be confirmed by then (10 business days, §7021(a))',
  })
  acknowledgeBy?: string;

  @ApiPropertyOptional({ enum: DEADLINE_RULES, example: 'ccpa-acknowledge-10-business-days' })
  acknowledgeRule?: DeadlineRule;

  @ApiPropertyOptional({
    example: '2026-11-23T09:00:00.120Z',
    description:
      'When receipt was confirmed: when the request was accepted as verified, `queued` or `pending_approval` (a backend request at once, a public one when its code was verified)',
  })
  acknowledgedAt?: string;

  @ApiPropertyOptional({ example: '2026-11-23T09:05:00.000Z' })
  completedAt?: string;

  @ApiPropertyOptional({ example: 'store answered HTTP 500' })
  failureReason?: string;

  @ApiProperty({ type: [TaskDto] })
  tasks!: TaskDto[];

  @ApiProperty({ type: [EventDto] })
  events!: EventDto[];
}

export class PrivacyRequestSummaryDto extends PrivacyRequestCoreDto {
  @ApiProperty({ example: '2027-01-08T07:59:59.999Z', description: 'Extended due date if any' })
  dueAt!: string;

  @ApiProperty({
    enum: DEADLINE_RULES,
    example: 'ccpa-45-days',
    description: 'The rule that set dueAt',
  })
  dueRule!: DeadlineRule;

  @ApiPropertyOptional({ example: '2027-02-22T07:59:59.999Z' })
  extendedDueAt?: string;

  @ApiPropertyOptional({ example: 'Request is complex: several systems hold the data' })
  extensionReason?: string;

  @ApiPropertyOptional({ example: '2026-12-08T07:59:59.999Z' })
  acknowledgeBy?: string;

  @ApiPropertyOptional({ example: '2026-11-23T09:00:00.120Z' })
  acknowledgedAt?: string;

  @ApiProperty({ example: false })
  overdue!: boolean;
}

export class PrivacyRequestListDto {
  @ApiProperty({ type: [PrivacyRequestSummaryDto] })
  items!: PrivacyRequestSummaryDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}

export class ExportLinkDto {
  @ApiProperty({ example: 'https://privacy.example.com/v1/public/exports/5d9f…' })
  url!: string;

  @ApiProperty({ example: '2026-11-30T09:00:00.000Z' })
  expiresAt!: string;

  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' })
  checksum!: string;
}

export class CompleteTaskDto {
  @ApiProperty({
    description:
      'What was found, exported or erased there (1-4000 characters). Stored encrypted, never logged or audited (only its length is)',
    example: 'Two paper files found in the Lyon archive; shredded on 2 December.',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  note!: string;
}

export class CompletedTaskDto {
  @ApiProperty({ example: '3f9a1c52-1b7e-4f0e-9d2c-7a6b5c4d3e2f' })
  id!: string;

  @ApiProperty({ example: '0e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b' })
  taskId!: string;

  @ApiProperty({
    enum: REQUEST_STATUSES,
    example: 'in_progress',
    description: "The request's status",
  })
  status!: RequestStatus;

  @ApiProperty({
    description: 'True when this was the last task: the request now finishes and completes',
    example: true,
  })
  finishing!: boolean;
}

export class SlaDto {
  @ApiProperty({ example: 12 })
  open!: number;

  @ApiProperty({ example: 1 })
  overdue!: number;

  @ApiProperty({ example: 4 })
  dueWithin7Days!: number;

  @ApiProperty({ example: 30 })
  completedLast30Days!: number;

  @ApiProperty({ example: 2.5, nullable: true, type: Number })
  medianDaysToComplete!: number | null;

  @ApiProperty({ example: { access: 10, erasure: 5 } })
  byType!: Record<string, number>;

  @ApiProperty({ example: { queued: 2, completed: 30 } })
  byStatus!: Record<string, number>;

  @ApiProperty({
    type: IncidentClockDto,
    description: 'Breaches not yet notified to the authority, past or near their 72 hours',
  })
  incidents!: IncidentClockDto;
}

export class ErasureCertificateDto {
  @ApiProperty({
    description:
      'Compact JWS (ES256, typ `erasure-certificate+jwt`) signed with the consent receipt keys; verify it against `/v1/.well-known/jwks.json` by its `kid`. Payload: `iss`, `sub` (the request id), `jti`, `iat`; `request` {id, type, receivedAt, completedAt}; `subject` {alg: sha256, salt, hash}: hash = base64url(SHA-256(salt + "\\n" + JSON of the identifiers as filed, in the order email, subjectId, phone)); `stores`: per store its steps {collection, action, rows} and `remaining` rows per collection after the erasure (all 0; null for an http store, which erases by itself).',
    example:
      'eyJhbGciOiJFUzI1NiIsImtpZCI6ImNrXzIwMjYxMjAzX2E0YjVjNmQ3IiwidHlwIjoiZXJhc3VyZS1jZXJ0aWZpY2F0ZStqd3QifQ.eyJyZXF1ZXN0Ijp7ImlkIjoiLi4uIn19.c2lnbmF0dXJl',
  })
  certificate!: string;
}
