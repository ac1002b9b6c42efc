import { Injectable } from '@nestjs/common';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { decodeCursor, encodeCursor } from 'src/common/pagination/cursor';
import { ConsentError, ConsentErrorCode } from '../consent.error';
import { ConsentHistoryDto, ConsentStateDto, SubjectConsentsDto } from '../dto/consent.dto';
import { ReceiptClaimsDto, ReceiptDto } from '../dto/receipt.dto';
import { PurposesRepository } from '../purposes/purposes.repository';
import { ConsentLedgerRepository } from './consent-ledger.repository';
import { ConsentSubjects } from './consent-subject';

const isSeqCursor = (v: unknown): v is { seq: number } =>
  typeof v === 'object' &&
  v !== null &&
  Number.isSafeInteger((v as { seq?: unknown }).seq) &&
  (v as { seq: number }).seq >= 0;

/** Reads of a subject's consents: current state, full history, signed receipts. */
@Injectable()
export class ConsentQueryService {
  constructor(
    private readonly ledger: ConsentLedgerRepository,
    private readonly purposes: PurposesRepository,
    private readonly subjects: ConsentSubjects,
  ) {}

  async current(subjectId: string): Promise<SubjectConsentsDto> {
    const subjectRef = this.subjects.ref(subjectId);
    const [states, signal, purposes] = await Promise.all([
      this.ledger.findStates(subjectRef),
      this.ledger.findSignal(subjectRef),
      this.purposes.findAll(),
    ]);
    const latest = new Map(purposes.map((p) => [p.key, p]));
    const gpc = signal?.gpc ?? false;
    const items: ConsentStateDto[] = [...states].map(([key, s]) => {
      const purpose = latest.get(key);
      const gpcOptOut = gpc && Boolean(purpose?.optOutCategory);
      return {
        purpose: key,
        granted: s.granted,
        purposeVersion: s.purposeVersion,
        current: purpose ? s.purposeVersion >= purpose.version : false,
        recordedAt: s.recordedAt,
        expiresAt: s.expiresAt,
        source: s.source,
        receiptId: s.receiptId,
        gpcOptOut,
        gpcConflict: gpcOptOut && s.granted,
      };
    });
    return { items, gpc };
  }

  async history(
    subjectId: string,
    query: { limit: number; cursor?: string },
  ): Promise<ConsentHistoryDto> {
    const subjectRef = this.subjects.ref(subjectId);
    const after = decodeCursor(query.cursor, ['seq'], isSeqCursor)?.seq ?? 0;
    const rows = await this.ledger.findHistory(subjectRef, after, query.limit + 1);
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((r) => ({
        sequence: Number(r.seq),
        receiptId: r.id,
        purpose: r.purpose_key,
        purposeVersion: r.purpose_version,
        granted: r.granted,
        source: r.source,
        policyVersion: r.policy_version,
        evidence: r.evidence,
        expiresAt: r.expires_at?.toISOString() ?? null,
        gpc: r.gpc,
        requestId: r.request_id,
        recordedAt: r.recorded_at.toISOString(),
      })),
      nextCursor:
        rows.length > query.limit ? encodeCursor({ seq: Number(page[page.length - 1].seq) }) : null,
    };
  }

  async receipt(receiptId: string): Promise<ReceiptDto> {
    const event = await this.ledger.findEvent(receiptId);
    if (!event) {
      throw new ConsentError(ConsentErrorCode.ReceiptNotFound, 'No receipt with this id.');
    }
    return {
      receiptId: event.id,
      receipt: event.receipt,
      kid: decodeProtectedHeader(event.receipt).kid ?? '',
      claims: decodeJwt(event.receipt) as unknown as ReceiptClaimsDto,
    };
  }
}
