import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from 'src/config/app-config';
import { chainHash, ChainKey, deriveChainKey, GENESIS_HASH, keyedChainHash } from '../audit-chain';
import { AuditEventEntity } from '../entities/audit-event.entity';
import { AuditCheckpointRepository } from './audit-checkpoint.repository';
import { AuditCheckpointSigner, Checkpoint } from './audit-checkpoint.signer';
import { AuditHighWater } from './audit-high-water';

const VERIFY_BATCH = 1000;

/** Why verification failed; absent when the log holds. */
export enum AuditBreak {
  /** An event's link does not hold (edited, removed, inserted or re-hashed). */
  ChainBroken = 'chain_broken',
  /** An event that a checkpoint counted is gone or differs (re-hashed or removed before it). */
  CheckpointMismatch = 'checkpoint_mismatch',
  /** A checkpoint's signature does not hold or does not match its row. */
  CheckpointSignature = 'checkpoint_signature',
  /** A checkpoint counts events past the end of the log: the newest events were deleted. */
  Truncated = 'truncated',
  /** An instance saw a later checkpoint than the database now holds: it was deleted. */
  CheckpointMissing = 'checkpoint_missing',
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  firstBrokenId?: string;
  reason?: AuditBreak;
}

interface Walk {
  checked: number;
  lastSeq: string;
  head: string;
  broken?: { id?: string; reason: AuditBreak };
}

/**
 * Verifies the keyed chain against the signed checkpoints and writes new checkpoints. The chain
 * key is derived from the master key (and retired master keys, for events linked before a
 * rotation), so whoever can only write the database cannot recompute links; checkpoints pin the
 * count and head, so deleting the newest events is seen too.
 */
@Injectable()
export class AuditIntegrityService {
  private readonly logger = new Logger('AuditIntegrity');
  private readonly keys = new Map<string, Buffer>();
  /** The highest event count this instance has checkpointed or seen checkpointed. */
  private highWater = 0;

  constructor(
    @InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>,
    private readonly checkpoints: AuditCheckpointRepository,
    private readonly signer: AuditCheckpointSigner,
    private readonly mark: AuditHighWater,
    config: AppConfig,
  ) {
    const chainKeys: ChainKey[] = [
      deriveChainKey(config.masterKey),
      ...config.crypto.retiredProviders.flatMap((p) =>
        'rootKey' in p ? [deriveChainKey(p.rootKey)] : [],
      ),
    ];
    for (const { id, key } of chainKeys) {
      this.keys.set(id, key);
    }
  }

  /** Walks the whole chain in order, checking every link and every checkpoint; then checkpoints. */
  async verify(): Promise<AuditVerification> {
    // Read before the checkpoints, so that one written meanwhile (the mark is raised after its
    // row is stored) cannot count against them.
    const remembered = Math.max(this.highWater, await this.mark.read());
    const pinned = await this.signer.verified(await this.checkpoints.all());
    if (!pinned) {
      return { ok: false, checked: 0, reason: AuditBreak.CheckpointSignature };
    }
    const walk = await this.walk({ seq: '0', count: 0, head: GENESIS_HASH }, pinned);
    if (walk.broken) {
      return {
        ok: false,
        checked: walk.checked,
        reason: walk.broken.reason,
        ...(walk.broken.id ? { firstBrokenId: walk.broken.id } : {}),
      };
    }
    const latestCount = pinned.length > 0 ? pinned[pinned.length - 1].count : 0;
    if (latestCount < remembered) {
      return { ok: false, checked: walk.checked, reason: AuditBreak.CheckpointMissing };
    }
    if (!(await this.write(walk, pinned[pinned.length - 1]))) {
      // Checkpoints written before the mark was kept, or by an instance that could not reach it.
      await this.mark.raise(latestCount);
    }
    return { ok: true, checked: walk.checked };
  }

  /**
   * Extends the latest checkpoint over the events appended since, checking their links; the
   * scheduled job calls it. Nothing is signed over a broken link.
   */
  async checkpoint(): Promise<Checkpoint | null> {
    const latestRow = await this.checkpoints.latest();
    const latest = latestRow ? ((await this.signer.verified([latestRow])) ?? [])[0] : undefined;
    if (latestRow && !latest) {
      this.logger.error({ reason: AuditBreak.CheckpointSignature }, 'audit checkpoint not written');
      return null;
    }
    const walk = await this.walk(latest ?? { seq: '0', count: 0, head: GENESIS_HASH }, []);
    if (walk.broken) {
      this.logger.error(
        { reason: walk.broken.reason, id: walk.broken.id },
        'audit checkpoint not written',
      );
      return null;
    }
    return this.write(walk, latest);
  }

  private async write(walk: Walk, latest: Checkpoint | undefined): Promise<Checkpoint | null> {
    if (walk.checked === 0 || latest?.seq === walk.lastSeq) {
      return null;
    }
    const checkpoint = { seq: walk.lastSeq, count: walk.checked, head: walk.head };
    const signed = await this.signer.sign(checkpoint);
    await this.checkpoints.insert({
      seq: checkpoint.seq,
      eventCount: String(checkpoint.count),
      headHash: checkpoint.head,
      signed,
    });
    this.highWater = Math.max(this.highWater, checkpoint.count);
    await this.mark.raise(checkpoint.count);
    // The log line is a copy of the checkpoint outside the database.
    this.logger.log({ auditCheckpoint: { ...checkpoint, signed } }, 'audit checkpoint');
    return checkpoint;
  }

  /** From `start` (a checkpoint or the genesis), links every later event and meets `pinned`. */
  private async walk(start: Checkpoint, pinned: Checkpoint[]): Promise<Walk> {
    let prev = start.head;
    let lastSeq = start.seq;
    let checked = start.count;
    let keyedSeen = false;
    let next = 0;
    for (;;) {
      const batch = await this.events
        .createQueryBuilder('e')
        .where('e.seq > :lastSeq', { lastSeq })
        .orderBy('e.seq', 'ASC')
        .limit(VERIFY_BATCH)
        .getMany();
      for (const event of batch) {
        checked += 1;
        const broken = (reason: AuditBreak): Walk => ({
          checked,
          lastSeq,
          head: prev,
          broken: { id: event.id, reason },
        });
        if (next < pinned.length && BigInt(pinned[next].seq) < BigInt(event.seq)) {
          return broken(AuditBreak.CheckpointMismatch);
        }
        const key = event.chainKey === null ? undefined : this.keys.get(event.chainKey);
        const unkeyedAfterKeyed = event.chainKey === null && keyedSeen;
        const expected =
          event.chainKey === null
            ? chainHash(prev, event)
            : key && keyedChainHash(key, prev, event);
        if (unkeyedAfterKeyed || event.prevHash !== prev || expected !== event.hash) {
          return broken(AuditBreak.ChainBroken);
        }
        keyedSeen ||= event.chainKey !== null;
        while (next < pinned.length && pinned[next].seq === event.seq) {
          if (pinned[next].count !== checked || pinned[next].head !== event.hash) {
            return broken(AuditBreak.CheckpointMismatch);
          }
          this.highWater = Math.max(this.highWater, pinned[next].count);
          next += 1;
        }
        prev = event.hash;
        lastSeq = event.seq;
      }
      if (batch.length < VERIFY_BATCH) {
        if (next < pinned.length) {
          return { checked, lastSeq, head: prev, broken: { reason: AuditBreak.Truncated } };
        }
        return { checked, lastSeq, head: prev };
      }
    }
  }
}
