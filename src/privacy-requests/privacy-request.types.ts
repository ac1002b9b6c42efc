/** One collection's files in an access package, as the manifest lists them. */
export interface ExportedCollection {
  collection: string;
  records: number;
  files: Array<{ name: string; part: string; sha256: string; bytes: number }>;
}

/** What a task did, per collection: counts and names only. */
export interface TaskResult {
  collections?: Array<{ collection: string; action?: string; rows: number }>;
  exported?: ExportedCollection[];
  count?: number;
}
