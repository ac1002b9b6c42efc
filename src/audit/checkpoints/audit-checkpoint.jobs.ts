export const AUDIT_CHECKPOINT_QUEUE = 'audit-checkpoint';

export const AUDIT_CHECKPOINT_JOB = 'write-checkpoint';

/** How often the head of the audit chain is checkpointed (signed count and head hash). */
export const AUDIT_CHECKPOINT_EVERY_MS = 5 * 60_000;
