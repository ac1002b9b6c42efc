/** One collection's files in an access package, as the manifest lists them. */
export interface ExportedCollection {
  collection: string;
  records: number;
  files: Array<{ name: string; part: string; sha256: string; bytes: number }>;
}

/** What a task did, per collection: counts and names only. */
export interface TaskResult {
  collections?: Array<{ collection: string; action?: string; rows: number }>;
  /** Erasure of a SQL store: rows per collection that still reach the subject (proof: all 0). */
  remaining?: Record<string, number>;
  exported?: ExportedCollection[];
  count?: number;
  /** A manual store's task, done by a person: when, and how long their note was. */
  manual?: { completedAt: string; noteLength: number };
}
