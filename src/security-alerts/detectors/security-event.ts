/**
 * The stream the detectors watch. This folder is pure code: no Nest, no I/O, time passed in, so
 * unit tests replay synthetic days through it.
 */
export type SecurityEvent =
  | { type: 'login.failure'; at: number; address: string; account: string }
  | { type: 'crypto.decrypt'; at: number; keyId: string; fields: number }
  | { type: 'export.download'; at: number; address: string; requestId: string }
  | {
      type: 'admin.change';
      at: number;
      action: string;
      actor: { type: string; id: string | null };
      target: { type: string; id: string | null };
      details: Record<string, unknown>;
    };

export type Severity = 'low' | 'medium' | 'high';

export interface AlertDraft {
  kind: string;
  severity: Severity;
  at: number;
  actor: { type: string; id: string | null };
  /** Ids, counts and coarse addresses only: never personal data. */
  details: Record<string, unknown>;
}

export interface Detector {
  observe(event: SecurityEvent): AlertDraft[];
}
