import { createHash } from 'node:crypto';
import type { Subject } from 'src/data-stores/data-store.types';
import type { TaskResult } from '../privacy-request.types';

export const CERTIFICATE_TYP = 'erasure-certificate+jwt';

/** What one store's task did, as the certificate states it. */
export interface CertifiedStore {
  name: string;
  steps: Array<{ collection: string; action: string; rows: number }>;
  /**
   * Rows per collection still reaching the subject when read again after the erasure (all 0);
   * null for a store that erases by itself (http), whose answer the service cannot re-read.
   */
  remaining: Record<string, number> | null;
}

/** The certificate's claims, besides iss, sub (the request id), jti and iat. */
export interface ErasureCertificateClaims {
  request: { id: string; type: 'erasure'; receivedAt: string; completedAt: string };
  subject: { alg: 'sha256'; salt: string; hash: string };
  stores: CertifiedStore[];
}

/**
 * The subject as filed, hashed with the certificate's salt: base64url(SHA-256(salt, "\n", JSON
 * of the given identifiers in the order email, subjectId, phone)). Whoever holds the subject's
 * identifiers can recompute it from the certificate alone.
 */
export function subjectHash(subject: Subject, salt: string): string {
  const canonical = JSON.stringify({
    ...(subject.email !== undefined ? { email: subject.email } : {}),
    ...(subject.subjectId !== undefined ? { subjectId: subject.subjectId } : {}),
    ...(subject.phone !== undefined ? { phone: subject.phone } : {}),
  });
  return createHash('sha256').update(`${salt}\n${canonical}`).digest('base64url');
}

export function certifiedStore(name: string, result: TaskResult): CertifiedStore {
  return {
    name,
    steps: (result.collections ?? []).map((c) => ({
      collection: c.collection,
      action: c.action ?? 'reported',
      rows: c.rows,
    })),
    remaining: result.remaining ?? null,
  };
}
