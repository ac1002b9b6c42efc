import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import { actorOf } from 'src/common/access/caller';
import { RequestContext } from 'src/common/access/request-context.decorator';
import type { IdempotentWrite } from 'src/idempotency/idempotent-write';
import { ConsentCache, PendingWrite } from '../check/consent-cache';
import { ConsentError, ConsentErrorCode } from '../consent.error';
import { ConsentSource, OptOutCategory } from '../consent.types';
import { RecordConsentDto, RecordedConsentDto } from '../dto/consent.dto';
import { PurposeRow } from '../purposes/purpose.row';
import { PurposesRepository } from '../purposes/purposes.repository';
import { ReceiptSigner } from '../receipts/receipt-signer.service';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.service';
import { ConsentLedgerRepository, grantedToAnyOf } from './consent-ledger.repository';
import { ConsentSubjects } from './consent-subject';

interface Decision {
  purpose: PurposeRow;
  granted: boolean;
  source: ConsentSource;
  policyVersion?: string | null;
  expiresAt?: Date | null;
  evidence?: Record<string, string>;
  gpc: boolean;
}

export interface AppendedEvent {
  receiptId: string;
  seq: number;
  purpose: string;
  purposeVersion: number;
  granted: boolean;
  source: ConsentSource;
  expiresAt: Date | null;
  recordedAt: Date;
}

interface WriteResult {
  subjectRef: string;
  events: AppendedEvent[];
  /** The GPC signal this write carried, when the write is one that reports it. */
  gpc?: boolean;
  /** The cache keys this write marked before its commit; none when it recorded nothing. */
  pending?: PendingWrite;
}

/**
 * Every consent write: ledger event(s), current state and signal in one transaction under a
 * per-subject lock, then the shared check cache and the change webhooks before the caller hears
 * back. Other capabilities use `withdrawAll` (erasure) and `optOutCategory` (CCPA opt-outs).
 */
@Injectable()
export class ConsentLedgerService {
  private readonly logger = new Logger(ConsentLedgerService.name);

  constructor(
    private readonly ledger: ConsentLedgerRepository,
    private readonly purposes: PurposesRepository,
    private readonly subjects: ConsentSubjects,
    private readonly signer: ReceiptSigner,
    private readonly cache: ConsentCache,
    private readonly webhooks: WebhookDispatcher,
    private readonly audit: AuditService,
  ) {}

  /**
   * `gpc`: the request carried `Sec-GPC: 1`, which opts the subject out of every opt-out purpose.
   * `idempotency`: its key is claimed and its answer stored in the write's own transaction.
   */
  async record(
    ctx: RequestContext,
    body: RecordConsentDto,
    gpc: boolean,
    idempotency?: IdempotentWrite,
  ): Promise<RecordedConsentDto> {
    const answer = (events: AppendedEvent[]): RecordedConsentDto => {
      const main = events[events.length - 1];
      return {
        receiptId: main.receiptId,
        subjectId: body.subjectId,
        purpose: main.purpose,
        granted: main.granted,
        purposeVersion: main.purposeVersion,
        recordedAt: main.recordedAt.toISOString(),
        sequence: main.seq,
        gpcOptOuts: events
          .slice(0, -1)
          .map((e) => ({ purpose: e.purpose, receiptId: e.receiptId })),
      };
    };
    const decide = async (m: EntityManager, subjectRef: string): Promise<Decision[]> => {
      const purpose = await this.purposes.findLatest(body.purpose, m);
      if (!purpose) {
        throw new ConsentError(
          ConsentErrorCode.UnknownPurposeInBody,
          'purpose is not a known purpose.',
        );
      }
      const decisions: Decision[] = gpc
        ? await this.pendingOptOuts(m, subjectRef, await this.purposes.findOptOutPurposes(m), 'gpc')
        : [];
      decisions.push({
        purpose,
        granted: body.granted,
        source: body.source ?? 'api',
        policyVersion: body.policyVersion ?? null,
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
        evidence: body.evidence ? compact({ ...body.evidence }) : {},
        gpc,
      });
      return decisions;
    };
    const idempotent = idempotency && { write: idempotency, answer };
    return answer((await this.write(ctx, body.subjectId, gpc, decide, idempotent)).events);
  }

  /** Withdraws every granted purpose of the subject (used when the subject's data is erased). */
  async withdrawAll(
    subjectId: string,
    ctx: RequestContext,
    source: ConsentSource = 'erasure',
  ): Promise<AppendedEvent[]> {
    // Most erased subjects never consented: a look first spares them a subject key (sealing the
    // id creates one) and a locked transaction that would withdraw nothing. A grant racing this
    // look is no different from one racing the transaction's end: both land before the caller
    // shreds the subject, after which no grant can be recorded.
    const current = await this.ledger.findStates(this.subjects.ref(subjectId));
    if (![...current.values()].some((s) => s.granted)) {
      return [];
    }
    const result = await this.write(ctx, subjectId, undefined, async (m, subjectRef) => {
      const states = await this.ledger.findStates(subjectRef, undefined, m);
      const granted = [...states].filter(([, s]) => s.granted).map(([key]) => key);
      const purposes = (await this.purposes.findAll(m)).filter((p) => granted.includes(p.key));
      return purposes.map((purpose) => ({ purpose, granted: false, source, gpc: false }));
    });
    return result.events;
  }

  /**
   * An SQL condition, true when any subject of the caller's row `row` (an SQL expression of its
   * uuid) has a purpose granted (what `withdrawAll` would withdraw), for a caller's statement that
   * must not change that row then; `subjects` are each row's, `first` numbers the parameters.
   */
  grantedCondition(
    subjects: Array<{ row: string; subjectIds: string[] }>,
    first: number,
    row: string,
  ): { sql: string; params: unknown[] } {
    const pairs = subjects.flatMap((s) => s.subjectIds.map((id) => [this.subjects.ref(id), s.row]));
    return {
      sql: `EXISTS (${grantedToAnyOf(first, row)})`,
      params: [pairs.map(([ref]) => ref), pairs.map(([, id]) => id)],
    };
  }

  /** Records an opt-out of every purpose in the category that the subject is not opted out of. */
  async optOutCategory(
    subjectId: string,
    category: OptOutCategory,
    ctx: RequestContext,
    source: ConsentSource = 'opt_out',
  ): Promise<AppendedEvent[]> {
    const result = await this.write(ctx, subjectId, undefined, async (m, subjectRef) =>
      this.pendingOptOuts(
        m,
        subjectRef,
        await this.purposes.findOptOutPurposes(m, category),
        source,
      ),
    );
    return result.events;
  }

  private async pendingOptOuts(
    m: EntityManager,
    subjectRef: string,
    purposes: PurposeRow[],
    source: ConsentSource,
  ): Promise<Decision[]> {
    const states = await this.ledger.findStates(
      subjectRef,
      purposes.map((p) => p.key),
      m,
    );
    return purposes
      .filter((p) => states.get(p.key)?.granted !== false)
      .map((purpose) => ({ purpose, granted: false, source, gpc: source === 'gpc' }));
  }

  private async write(
    ctx: RequestContext,
    subjectId: string,
    gpc: boolean | undefined,
    decide: (m: EntityManager, subjectRef: string) => Promise<Decision[]>,
    idempotent?: { write: IdempotentWrite; answer: (events: AppendedEvent[]) => object },
  ): Promise<WriteResult> {
    const subjectRef = this.subjects.ref(subjectId);
    const subjectEnc = await this.subjects.seal(subjectId);
    const actor = actorOf(ctx);
    const signingKey = await this.signer.signingKey();
    const result = await this.ledger.transaction(async (m): Promise<WriteResult> => {
      await idempotent?.write.claim(m);
      await this.ledger.lockSubject(m, subjectRef);
      const events: AppendedEvent[] = [];
      for (const d of await decide(m, subjectRef)) {
        const receiptId = randomUUID();
        const recordedAt = new Date();
        const expiresAt = d.expiresAt ?? null;
        const receipt = await this.signer.sign(
          signingKey,
          {
            sub: subjectRef,
            jti: receiptId,
            purpose: d.purpose.key,
            purposeVersion: d.purpose.version,
            decision: d.granted ? 'granted' : 'withdrawn',
            source: d.source,
            recordedAt: recordedAt.toISOString(),
            expiresAt: expiresAt?.toISOString() ?? null,
          },
          recordedAt,
        );
        const seq = await this.ledger.append(m, {
          id: receiptId,
          subjectRef,
          subjectEnc,
          purpose: d.purpose.key,
          purposeVersion: d.purpose.version,
          granted: d.granted,
          source: d.source,
          policyVersion: d.policyVersion ?? null,
          evidence: d.evidence ?? {},
          expiresAt,
          gpc: d.gpc,
          requestId: ctx.requestId ?? null,
          actorType: actor.type,
          actorId: actor.id,
          recordedAt,
          receipt,
        });
        await this.audit.record(
          ctx,
          {
            action: 'consent.record',
            target: { type: 'consent_receipt', id: receiptId },
            details: {
              purpose: d.purpose.key,
              purposeVersion: d.purpose.version,
              granted: d.granted,
              source: d.source,
              sequence: seq,
            },
          },
          m,
        );
        events.push({
          receiptId,
          seq,
          purpose: d.purpose.key,
          purposeVersion: d.purpose.version,
          granted: d.granted,
          source: d.source,
          expiresAt,
          recordedAt,
        });
      }
      if (gpc !== undefined && events.length > 0) {
        await this.ledger.setSignal(m, subjectRef, gpc, events[events.length - 1].seq);
      }
      await idempotent?.write.complete(m, idempotent.answer(events));
      // Last before the commit: from here, checks of these keys read PostgreSQL until the new
      // state is published, so a process dying after the commit leaves no stale answer behind.
      const pending =
        events.length > 0
          ? await this.cache.markPending(
              subjectRef,
              [...new Set(events.map((e) => e.purpose))],
              gpc !== undefined,
            )
          : undefined;
      return { subjectRef, events, gpc, pending };
    });
    await this.publish(result);
    await this.webhooks.dispatch(result.events.map((e) => e.receiptId));
    return result;
  }

  /**
   * Writes the new state through to the shared cache, over this write's own markers, before the
   * caller is answered. Should it fail, the markers stay until they expire and checks read
   * PostgreSQL meanwhile: the decision is recorded and no check can contradict it.
   */
  private async publish({ subjectRef, events, gpc, pending }: WriteResult): Promise<void> {
    if (!pending || events.length === 0) {
      return;
    }
    try {
      for (const e of events) {
        await this.cache.publishState(pending, subjectRef, e.purpose, {
          seq: e.seq,
          granted: e.granted,
          purposeVersion: e.purposeVersion,
          source: e.source,
          expiresAt: e.expiresAt?.toISOString() ?? null,
          recordedAt: e.recordedAt.toISOString(),
          receiptId: e.receiptId,
        });
      }
      if (gpc !== undefined) {
        const seq = events[events.length - 1].seq;
        await this.cache.publishSignal(pending, subjectRef, { seq, gpc });
      }
    } catch (e) {
      this.logger.warn(
        `Check cache write-through failed (${(e as Error).name}); checks read PostgreSQL until its markers expire`,
      );
    }
  }
}

function compact(record: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
