import { Injectable } from '@nestjs/common';
import { ConsentError, ConsentErrorCode } from '../consent.error';
import { ConsentStateSnapshot, PurposeSnapshot, SubjectSignalSnapshot } from '../consent.types';
import { CheckResultDto, PurposeCheckResultDto } from '../dto/check.dto';
import { ConsentLedgerRepository } from '../ledger/consent-ledger.repository';
import { ConsentSubjects } from '../ledger/consent-subject';
import { toSnapshot } from '../purposes/purpose.row';
import { PurposesRepository } from '../purposes/purposes.repository';
import { ConsentCache } from './consent-cache';

/** The contract's rule for one purpose, given what is recorded. */
export function evaluate(
  purpose: PurposeSnapshot,
  state: ConsentStateSnapshot | null,
  signal: SubjectSignalSnapshot | null,
  now: number,
): CheckResultDto {
  if (purpose.optOutCategory && signal?.gpc) {
    return { allowed: false, reason: 'gpc_opt_out' };
  }
  if (purpose.legalBasis === 'consent') {
    if (!state) {
      return { allowed: false, reason: 'no_consent' };
    }
    if (!state.granted) {
      return { allowed: false, reason: 'withdrawn' };
    }
    if (state.expiresAt && Date.parse(state.expiresAt) <= now) {
      return { allowed: false, reason: 'expired' };
    }
    if (state.purposeVersion < purpose.version) {
      return { allowed: false, reason: 'reconsent_required' };
    }
    return { allowed: true, reason: 'granted' };
  }
  if (state && !state.granted) {
    return { allowed: false, reason: purpose.optOutCategory ? 'opted_out' : 'objected' };
  }
  return { allowed: true, reason: 'legal_basis' };
}

/**
 * Answers checks from the shared Redis cache, filling misses from PostgreSQL. Fills go through
 * the cache's version guard, so a fill can never replace a newer decision written by a write.
 */
@Injectable()
export class ConsentCheckService {
  constructor(
    private readonly cache: ConsentCache,
    private readonly subjects: ConsentSubjects,
    private readonly purposes: PurposesRepository,
    private readonly ledger: ConsentLedgerRepository,
  ) {}

  async checkOne(subjectId: string, purpose: string): Promise<CheckResultDto> {
    const [result] = await this.check(subjectId, [purpose], ConsentErrorCode.UnknownPurpose);
    return { allowed: result.allowed, reason: result.reason };
  }

  checkMany(subjectId: string, purposes: string[]): Promise<PurposeCheckResultDto[]> {
    return this.check(subjectId, purposes, ConsentErrorCode.UnknownPurposeInBody);
  }

  private async check(
    subjectId: string,
    keys: string[],
    unknown: ConsentErrorCode,
  ): Promise<PurposeCheckResultDto[]> {
    const subjectRef = this.subjects.ref(subjectId);
    const cached = await this.cache.read(subjectRef, keys);
    const purposes = await Promise.all(
      keys.map(async (key, i) => cached?.purposes[i]?.value ?? this.loadPurpose(key, unknown)),
    );
    const missing = keys.filter((_, i) => !cached?.states[i]);
    const loaded = missing.length > 0 ? await this.loadStates(subjectRef, missing) : undefined;
    const signal = cached?.signal ? cached.signal.value : await this.loadSignal(subjectRef);
    const now = Date.now();
    return keys.map((key, i) => {
      const state = cached?.states[i] ? cached.states[i].value : (loaded?.get(key) ?? null);
      return { purpose: key, ...evaluate(purposes[i], state, signal, now) };
    });
  }

  private async loadPurpose(key: string, unknown: ConsentErrorCode): Promise<PurposeSnapshot> {
    const row = await this.purposes.findLatest(key);
    if (!row) {
      throw new ConsentError(unknown, 'purpose is not a known purpose.');
    }
    const snapshot = toSnapshot(row);
    await this.cache.putPurpose(snapshot).catch(() => undefined);
    return snapshot;
  }

  private async loadStates(
    subjectRef: string,
    keys: string[],
  ): Promise<Map<string, ConsentStateSnapshot>> {
    const states = await this.ledger.findStates(subjectRef, keys);
    await Promise.all(
      keys.map((key) => {
        const state = states.get(key) ?? null;
        return this.cache.putState(subjectRef, key, state?.seq ?? 0, state).catch(() => undefined);
      }),
    );
    return states;
  }

  private async loadSignal(subjectRef: string): Promise<SubjectSignalSnapshot | null> {
    const signal = (await this.ledger.findSignal(subjectRef)) ?? null;
    await this.cache.putSignal(subjectRef, signal?.seq ?? 0, signal).catch(() => undefined);
    return signal;
  }
}
