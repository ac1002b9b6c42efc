import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const STATE_FILE = join(tmpdir(), `privacy-e2e-state-${process.ppid}-${process.pid}.json`);

export interface TestRunState {
  containers: string[];
  databaseUrl?: string;
  adminDatabaseUrl?: string;
  /** This run's databases: the e2e one and the service tier's copy of it. */
  databases?: string[];
  redisUrl?: string;
  redisPrefix?: string;
}
