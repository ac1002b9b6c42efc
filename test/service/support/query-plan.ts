import type { DataSource, QueryRunner } from 'typeorm';

export interface SentStatement {
  text: string;
  params: unknown[];
}

/**
 * The statements a repository call sends, recorded without running them: `call` gets a data
 * source whose every query answers `rows`.
 */
export async function statementsOf(
  call: (recording: DataSource) => Promise<unknown>,
  rows: unknown[] = [],
): Promise<SentStatement[]> {
  const sent: SentStatement[] = [];
  const recording = {
    query: (text: string, params: unknown[] = []) => {
      sent.push({ text, params });
      return Promise.resolve(rows);
    },
  } as unknown as DataSource;
  await call(recording);
  return sent;
}

/**
 * The plan PostgreSQL makes for `statement`, as EXPLAIN's text, inside a transaction on a
 * connection of its own that is rolled back afterwards: `prepare` may add rows, statistics or
 * settings that only this plan sees.
 */
export async function planOf(
  ds: DataSource,
  statement: SentStatement,
  prepare: (runner: QueryRunner) => Promise<void>,
): Promise<string> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    await prepare(runner);
    const plan = (await runner.query(`EXPLAIN ${statement.text}`, statement.params)) as Array<{
      'QUERY PLAN': string;
    }>;
    return plan.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await runner.rollbackTransaction();
    await runner.release();
  }
}
