import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an event that the chain protects, in their canonical order. */
export interface ChainedFields {
  id: string;
  occurredAt: Date;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  requestId: string | null;
  details: Record<string, unknown>;
}

/** JSON with object keys sorted at every level, so the same event always serialises the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value instanceof Date ? value.toISOString() : value);
}

/** The text an event contributes to its link: canonical JSON of the protected fields. */
export function canonicalEvent(event: ChainedFields): string {
  return canonicalJson({
    id: event.id,
    occurredAt: event.occurredAt,
    actor: { type: event.actorType, id: event.actorId },
    action: event.action,
    target: { type: event.targetType, id: event.targetId },
    outcome: event.outcome,
    requestId: event.requestId,
    details: event.details,
  });
}

/**
 * hash_n = SHA-256(hash_{n-1} || '\n' || canonical(event_n)). Appends compute it in the database
 * (audit_append) from `canonicalEvent`; verification recomputes it here.
 */
export function chainHash(prevHash: string, event: ChainedFields): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalEvent(event))
    .digest('hex');
}
