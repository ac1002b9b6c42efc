import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const STATE_FILE = join(tmpdir(), `privacy-e2e-state-${process.ppid}-${process.pid}.json`);

export interface TestRunState {
  containers: string[];
  databaseUrl?: string;
  adminDatabaseUrl?: string;
  database?: string;
  redisUrl?: string;
  redisPrefix?: string;
}
