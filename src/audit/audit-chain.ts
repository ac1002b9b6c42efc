import { createHash, createHmac } from 'node:crypto';

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

/**
 * JSON with object keys sorted at every level, so the same event always serialises the same.
 * Built in one pass of string appends (every audited change pays for it): an undefined property
 * is left out, and an array item that has no JSON (undefined, a function) is written as nothing.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      // JSON.stringify's type leaves out the undefined it answers for such values.
      const item = canonicalJson(value[i]) as string | undefined;
      out += `${i === 0 ? '' : ','}${item ?? ''}`;
    }
    return `${out}]`;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const record = value as Record<string, unknown>;
    // Code-unit order, as `<` compares strings; keys are distinct, so no two compare equal.
    const keys = Object.keys(record).sort();
    let out = '{';
    for (const key of keys) {
      const item = record[key];
      if (item !== undefined) {
        out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
      }
    }
    return `${out}}`;
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
 * The link of events appended before the chain was keyed: hash_n = SHA-256(hash_{n-1} || '\n' ||
 * canonical(event_n)). Kept to verify those events as they were.
 */
export function chainHash(prevHash: string, event: ChainedFields): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalEvent(event))
    .digest('hex');
}

/** A chain key: the HMAC key and the id stored with each event it linked. */
export interface ChainKey {
  id: string;
  key: Buffer;
}

const BLOCK = 64;

/**
 * Derives the chain key from a master key. The id is a fingerprint, so an event names the key
 * that linked it without revealing it, and a later MASTER_KEY rotation still finds the old one.
 */
export function deriveChainKey(masterKey: Buffer): ChainKey {
  const key = createHmac('sha256', masterKey).update('audit-chain-hmac').digest();
  const id = `ak_${createHmac('sha256', key).update('audit-chain-key-id').digest('hex').slice(0, 12)}`;
  return { id, key };
}

/**
 * HMAC's inner and outer pads (RFC 2104) of a key of at most one block: the database computes
 * SHA-256(outer || SHA-256(inner || message)) with its built-in SHA-256, which is HMAC-SHA-256.
 */
export function hmacPads(key: Buffer): { inner: Buffer; outer: Buffer } {
  const padded = Buffer.alloc(BLOCK);
  key.copy(padded);
  return {
    inner: Buffer.from(padded.map((b) => b ^ 0x36)),
    outer: Buffer.from(padded.map((b) => b ^ 0x5c)),
  };
}

/** hash_n = HMAC-SHA-256(K, hash_{n-1} || '\n' || canonical(event_n)); audit_append computes it. */
export function keyedChainHash(key: Buffer, prevHash: string, event: ChainedFields): string {
  return createHmac('sha256', key)
    .update(prevHash)
    .update('\n')
    .update(canonicalEvent(event))
    .digest('hex');
}
