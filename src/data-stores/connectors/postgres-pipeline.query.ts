import { Connection, Query } from 'pg';
import type { SqlStatement } from './subject-query.builder';

/** One statement's answer: rows for a SELECT, the row count for the others. */
export interface PipelinedResult {
  rowCount: number | null;
  rows: Array<Record<string, unknown>>;
}

/** The hook of pg's Query that this class wraps: part of its runtime, left out of @types/pg. */
interface QueryHooks {
  handleCommandComplete(message: unknown, connection: Connection): void;
}

/**
 * Values as pg sends a bound parameter in text. The statements built for stores hold strings
 * (identities, the hash key); anything else is refused rather than guessed at.
 */
function textValue(value: unknown): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    return value.toString();
  }
  throw new TypeError(`A pipelined statement cannot bind a parameter of type ${typeof value}`);
}

/**
 * Several statements in one round trip on node-postgres, which sends one statement per round
 * trip otherwise: each statement's Parse, Bind, Describe and Execute, then a single Sync (the
 * extended protocol's pipelining). Values stay bound parameters, so no value is ever part of
 * the statement text a server may log. The server stops at the first failing statement and
 * skips the rest up to the Sync; `completed` then counts the statements that finished before it.
 */
export class PostgresPipelineQuery extends Query {
  completed = 0;

  constructor(
    private readonly statements: SqlStatement[],
    callback: (error: Error | undefined, results: PipelinedResult[]) => void,
  ) {
    super({ text: statements.map((s) => s.sql).join(';\n') }, (error, result) =>
      // pg answers a single result alone and several as an array.
      callback(error, Array.isArray(result) ? result : [result]),
    );
  }

  /** Called by pg's submit: always the extended protocol, even for a statement with no values. */
  requiresPreparation(): boolean {
    return true;
  }

  /** Called by pg's submit with the socket corked, so the whole pipeline leaves in one write. */
  prepare(connection: Connection): void {
    for (const s of this.statements) {
      connection.parse({ name: '', text: s.sql, types: [] }, true);
      connection.bind({ values: s.params.map(textValue) }, true);
      connection.describe({ type: 'P' }, true);
      connection.execute({}, true);
    }
    connection.sync();
  }

  /** Called by pg once per statement that finished. */
  handleCommandComplete(message: unknown, connection: Connection): void {
    this.completed += 1;
    (Query.prototype as unknown as QueryHooks).handleCommandComplete.call(
      this,
      message,
      connection,
    );
  }
}
