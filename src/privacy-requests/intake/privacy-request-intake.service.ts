import { Injectable } from '@nestjs/common';
import { randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IdempotentWrite } from 'src/idempotency/idempotent-write';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { ServiceKeys } from 'src/common/crypto/service-keys';
import { assertWebhookTarget } from 'src/common/outbound/webhook-target';
import { AppConfig } from 'src/config/app-config';
import type { Correction, Subject } from 'src/data-stores/data-store.types';
import { DeadlineCalendars } from '../deadlines/deadline-calendars.service';
import type { Jurisdiction, RequestType } from '../deadlines/deadline-rules';
import { PrivacyRequestEntity } from '../entities/privacy-request.entity';
import { PrivacyRequestCommits } from '../privacy-request-commit.service';
import { SubjectMailOutbox } from '../notifications/subject-mail-outbox.service';
import { PrivacyRequestError, PrivacyRequestErrorCode } from '../privacy-request.error';
import { PrivacyRequestRepository, StoreRef } from '../privacy-request.repository';
import { StatusTokens } from '../status/status-tokens.service';
import { SubjectProtector } from '../subject-protector.service';
import { WorkflowQueue } from '../workflow/workflow-queue.service';
import { CorrectionChecker } from './correction-checker.service';
import { VerificationMailer } from './verification-mailer.service';

const CODE_TTL_MINUTES = 15;
const MAX_ATTEMPTS = 5;
/** How far back a backend may date a request, and the clock skew tolerated ahead. */
const RECEIVED_AT_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
const RECEIVED_AT_MAX_SKEW_MS = 60 * 1000;

type OptOutType = 'opt_out_sale' | 'opt_out_sharing';
const OPT_OUTS: readonly OptOutType[] = ['opt_out_sale', 'opt_out_sharing'];
const isOptOut = (type: RequestType): type is OptOutType => OPT_OUTS.includes(type as OptOutType);

export interface PublicInput {
  type: RequestType;
  email: string;
  jurisdiction?: Jurisdiction;
}

export interface IntakeInput {
  type: RequestType;
  jurisdiction?: Jurisdiction;
  subject: Subject;
  webhookUrl?: string;
  /** A rectification's new values; refused with any other type. */
  corrections?: Correction[];
  /** When the calling backend received the request (RFC 3339); default now. */
  receivedAt?: string;
  /** Mail the subject (receipt, extension, rejection, completion); needs `subject.email`. */
  notify?: boolean;
}

/** A public request, and the status token its subject looks it up with once it is queued. */
export interface FiledPublic {
  request: PrivacyRequestEntity;
  statusToken?: string;
}

@Injectable()
export class PrivacyRequestIntakeService {
  constructor(
    private readonly requests: PrivacyRequestRepository,
    private readonly protector: SubjectProtector,
    private readonly commits: PrivacyRequestCommits,
    private readonly workflow: WorkflowQueue,
    private readonly mailer: VerificationMailer,
    private readonly keys: ServiceKeys,
    private readonly config: AppConfig,
    private readonly corrections: CorrectionChecker,
    private readonly deadlines: DeadlineCalendars,
    private readonly mails: SubjectMailOutbox,
    private readonly statusTokens: StatusTokens,
  ) {}

  /** A product backend vouches for the subject: verified and queued at once. */
  async fromService(
    ctx: RequestContext,
    input: IntakeInput,
    idempotency?: IdempotentWrite,
  ): Promise<PrivacyRequestEntity> {
    if (!input.subject.email && !input.subject.subjectId && !input.subject.phone) {
      throw new PrivacyRequestError(
        PrivacyRequestErrorCode.InvalidSubject,
        'subject needs an email, subjectId or phone',
      );
    }
    if (input.notify && !input.subject.email) {
      throw new PrivacyRequestError(
        PrivacyRequestErrorCode.InvalidSubject,
        'notify needs subject.email: the subject is told by mail',
        [{ field: 'notify', message: 'notify needs subject.email' }],
      );
    }
    assertWebhookTarget(input.webhookUrl, 'webhookUrl', this.config.webhooks.allowPrivateNetworks);
    const receivedAt = input.receivedAt ? receivedAtOf(input.receivedAt) : new Date();
    const request = await this.build(ctx, input, 'service', receivedAt);
    request.notify = input.notify === true;
    let stores: StoreRef[] | undefined;
    if (input.type === 'rectification') {
      stores = await this.corrections.check(input.corrections);
      request.correctionsCiphertext = await this.protector.sealCorrections(
        input.corrections ?? [],
        request.id,
      );
    } else if (input.corrections !== undefined) {
      throw new PrivacyRequestError(
        PrivacyRequestErrorCode.InvalidCorrections,
        'Only a rectification takes corrections',
        [{ field: 'corrections', message: 'only a rectification takes corrections' }],
      );
    }
    const receipt = request.notify
      ? await this.mails.entry('receipt', { dueAt: request.dueAt })
      : undefined;
    await this.commits.insertQueued(ctx, request, stores, {}, receipt, idempotency);
    if (request.status === 'queued') {
      this.workflow.enqueueSoon(request.id, { generation: request.generation, type: request.type });
    }
    if (receipt) {
      this.mails.sendSoon(request.id);
    }
    return request;
  }

  /**
   * The public: the request waits for the one-time code mailed to the address, except an
   * opt-out of sale or sharing, which needs no verification (CCPA §7026(d)) and is queued at once
   * with its status token.
   */
  async fromPublic(ctx: RequestContext, input: PublicInput): Promise<FiledPublic> {
    if (input.type === 'rectification') {
      throw new PrivacyRequestError(
        PrivacyRequestErrorCode.InvalidCorrections,
        'A rectification names its corrections: it is filed by a product backend, through POST /v1/privacy-requests',
        [{ field: 'type', message: 'rectification is not filed through the public form' }],
      );
    }
    if (isOptOut(input.type)) {
      return this.publicOptOut(
        ctx,
        { ...input, type: input.type },
        { verification: 'not-required' },
      );
    }
    const request = await this.build(
      ctx,
      { ...input, subject: { email: input.email } },
      'public',
      new Date(),
    );
    // Told of every change once the code proves the address is the subject's.
    request.notify = true;
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    request.verificationCodeHash = this.codeHash(request.id, code);
    request.verificationExpiresAt = new Date(Date.now() + CODE_TTL_MINUTES * 60_000);
    await this.requests.transaction((m) => this.commits.insertPendingVerification(m, ctx, request));
    await this.mailer.sendCode(input.email, request.id, code, CODE_TTL_MINUTES);
    return { request };
  }

  /**
   * `Sec-GPC: 1` on the public form is a request to opt out of sale and of sharing (CCPA
   * §7025): both are filed and queued at once, but for the one the form itself asks for.
   */
  async fromGlobalPrivacyControl(
    ctx: RequestContext,
    input: PublicInput,
  ): Promise<PrivacyRequestEntity[]> {
    const filed: PrivacyRequestEntity[] = [];
    for (const type of OPT_OUTS.filter((t) => t !== input.type)) {
      filed.push((await this.publicOptOut(ctx, { ...input, type }, { signal: 'gpc' })).request);
    }
    return filed;
  }

  /**
   * Queued with its status token. The address is not verified, so nothing is mailed to it: the
   * token answers how the opt-out stands.
   */
  private async publicOptOut(
    ctx: RequestContext,
    input: PublicInput & { type: OptOutType },
    details: Record<string, unknown>,
  ): Promise<Required<FiledPublic>> {
    const request = await this.build(
      ctx,
      { ...input, subject: { email: input.email } },
      'public',
      new Date(),
    );
    const { token, hash } = this.statusTokens.mint(request.id);
    request.statusTokenHash = hash;
    await this.commits.insertQueued(ctx, request, undefined, {
      source: 'public',
      ...details,
    });
    this.workflow.enqueueSoon(request.id, { generation: request.generation, type: request.type });
    return { request, statusToken: token };
  }

  /**
   * The right code queues the request, writes the subject's receipt and hands out the status
   * token (only its hash is kept), all in one transaction.
   */
  async verify(ctx: RequestContext, id: string, code: string): Promise<Required<FiledPublic>> {
    const verified = await this.requests.transaction(async (m) => {
      const request = await this.requests.lockById(m, id);
      if (!request || request.source !== 'public') {
        throw new PrivacyRequestError(PrivacyRequestErrorCode.NotFound, 'No such request');
      }
      if (request.status !== 'pending_verification') {
        throw new PrivacyRequestError(
          PrivacyRequestErrorCode.NotPendingVerification,
          'The request is already verified',
        );
      }
      if (request.verificationAttempts >= MAX_ATTEMPTS) {
        throw new PrivacyRequestError(
          PrivacyRequestErrorCode.TooManyAttempts,
          'Too many wrong codes; start a new request',
        );
      }
      if (!request.verificationExpiresAt || request.verificationExpiresAt < new Date()) {
        throw new PrivacyRequestError(PrivacyRequestErrorCode.CodeExpired, 'The code has expired');
      }
      const given = Buffer.from(this.codeHash(id, code));
      const expected = Buffer.from(request.verificationCodeHash ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        await this.requests.countWrongCode(m, id);
        return null;
      }
      await this.requests.clearVerificationCode(m, id);
      const statusToken = await this.statusTokens.issue(m, id);
      await this.commits.queue(
        m,
        ctx,
        request,
        await this.mails.entry('receipt', { dueAt: request.dueAt }),
      );
      return { request, statusToken };
    });
    if (!verified) {
      throw new PrivacyRequestError(PrivacyRequestErrorCode.WrongCode, 'Wrong code');
    }
    this.workflow.enqueueSoon(id);
    this.mails.sendSoon(id);
    return verified;
  }

  private async build(
    ctx: RequestContext,
    input: IntakeInput,
    source: 'service' | 'public',
    receivedAt: Date,
  ): Promise<PrivacyRequestEntity> {
    const jurisdiction = this.deadlines.jurisdictionOf(input.type, input.jurisdiction);
    const deadline = this.deadlines.initial(jurisdiction, input.type, receivedAt);
    const acknowledge = this.deadlines.acknowledgement(jurisdiction, input.type, receivedAt);
    const id = randomUUID();
    const subjectCiphertext = await this.protector.seal(input.subject, id);
    const webhookUrl =
      input.webhookUrl === undefined
        ? null
        : await this.protector.sealWebhookUrl(input.webhookUrl, id);
    return this.requests.build({
      id,
      type: input.type,
      jurisdiction,
      source,
      status: 'pending_verification',
      subjectCiphertext,
      correctionsCiphertext: null,
      receivedAt,
      dueAt: deadline.dueAt,
      dueRule: deadline.rule,
      acknowledgeBy: acknowledge?.dueAt ?? null,
      acknowledgeRule: acknowledge?.rule ?? null,
      acknowledgedAt: null,
      extendedDueAt: null,
      extendedRule: null,
      extensionReason: null,
      completedAt: null,
      failureReason: null,
      verificationCodeHash: null,
      verificationExpiresAt: null,
      verificationAttempts: 0,
      generation: 0,
      webhookUrl,
      exportPath: null,
      exportChecksum: null,
      exportExpiresAt: null,
      requestedBy: ctx.caller?.id ?? null,
      notify: false,
      statusTokenHash: null,
    });
  }

  private codeHash(id: string, code: string): string {
    return this.keys.hmac('dsr-verification-code', `${id}:${code.trim()}`);
  }
}

/** A backend's receipt time: not ahead of now (bar clock skew), at most 30 days back. */
function receivedAtOf(value: string): Date {
  const at = new Date(value);
  const now = Date.now();
  if (at.getTime() > now + RECEIVED_AT_MAX_SKEW_MS) {
    throw new PrivacyRequestError(
      PrivacyRequestErrorCode.ReceivedAtOutOfRange,
      'receivedAt is in the future',
      [{ field: 'receivedAt', message: 'must not be in the future' }],
    );
  }
  if (at.getTime() < now - RECEIVED_AT_MAX_AGE_MS) {
    throw new PrivacyRequestError(
      PrivacyRequestErrorCode.ReceivedAtOutOfRange,
      'receivedAt is more than 30 days back',
      [{ field: 'receivedAt', message: 'must be at most 30 days back' }],
    );
  }
  return at;
}
