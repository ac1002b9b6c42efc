import type {
  CollectionErasure,
  CommitStatus,
} from 'src/data-stores/connectors/connector.interface';
import { StoreError } from 'src/data-stores/connectors/store-error';
import type { PendingOutcome, TaskOutcome } from './task-outcome-memo';

const rowsOf = (collections: readonly CollectionErasure[]): number =>
  collections.reduce((n, c) => n + c.rows, 0);

/** The outcome of an erasure that changed `collections`. */
export function erasureOutcome(
  collections: CollectionErasure[],
  remaining?: Record<string, number>,
): TaskOutcome {
  return {
    result: remaining ? { collections, remaining } : { collections },
    detail: `erased ${rowsOf(collections)} rows`,
  };
}

/** The collections of `outcome`, typed as the connector answered them. */
const collectionsOf = (outcome: TaskOutcome | undefined): CollectionErasure[] =>
  (outcome?.result.collections ?? []) as CollectionErasure[];

/** Rows of two runs of one plan, step by step (steps matched by collection and action). */
export function addErasures(
  a: readonly CollectionErasure[],
  b: readonly CollectionErasure[],
): CollectionErasure[] {
  const sum = a.map((c) => ({ ...c }));
  for (const step of b) {
    const same = sum.find((c) => c.collection === step.collection && c.action === step.action);
    if (same) {
      same.rows += step.rows;
    } else {
      sum.push({ ...step });
    }
  }
  return sum;
}

/**
 * What earlier attempts of a task erased for sure, given the pending record the last one wrote
 * before its commit and what the store says of that commit. A store that cannot tell
 * (`unknown`) is judged by this attempt: an erasure is idempotent, so finding nothing left after
 * an attempt that meant to erase rows means that attempt committed; finding rows means it did
 * not (or that rows of the subject arrived since, when its counts are lost: see the README).
 * Throws when the earlier transaction is still open, so this one is retried after it ended.
 */
export function settledBefore(
  pending: PendingOutcome | null | undefined,
  status: CommitStatus,
  now: readonly CollectionErasure[],
): CollectionErasure[] {
  if (!pending) {
    return [];
  }
  if (status === 'in-progress') {
    throw new StoreError(
      'transient',
      'earlier-attempt-open',
      'an earlier attempt of this erasure is still open in the store',
    );
  }
  const settled = collectionsOf(pending.settled);
  const committed = status === 'committed' || (status === 'unknown' && rowsOf(now) === 0);
  return committed ? addErasures(settled, collectionsOf(pending.outcome)) : settled;
}
