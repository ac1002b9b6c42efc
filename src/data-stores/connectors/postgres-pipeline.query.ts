import { Connection, Query } from 'pg';
import { statementNames } from 'src/database/statement-name';
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
 * The statements each connection holds prepared, by name. One with a Parse that succeeded but
 * did not finish is not counted: the pipeline failed, and its caller destroys the connection.
 */
const preparedOn = new WeakMap<Connection, Set<string>>();

const nameOf = statementNames('pipelined_');

/**
 * Several statements in one round trip on node-postgres, which sends one statement per round
 * trip otherwise: each statement's Parse, Bind, Describe and Execute, then a single Sync (the
 * extended protocol's pipelining). Values stay bound parameters, so no value is ever part of
 * the statement text a server may log. The server stops at the first failing statement and
 * skips the rest up to the Sync; `completed` then counts the statements that finished before it.
 * Each statement (`BEGIN`, `COMMIT` and the transaction's id too) is prepared under a name once
 * per connection: PostgreSQL then parses it (and, once a generic plan serves, plans it) once
 * rather than in every pipeline. A connection whose pipeline failed must not be used again.
 */
export class PostgresPipelineQuery extends Query {
  completed = 0;
  /** Each statement's name. */
  private names: string[] = [];

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
    const prepared = preparedOn.get(connection) ?? new Set<string>();
    preparedOn.set(connection, prepared);
    this.names = this.statements.map((s) => nameOf(s.sql));
    this.statements.forEach((s, i) => {
      const name = this.names[i];
      if (!prepared.has(name)) {
        connection.parse({ name, text: s.sql, types: [] }, true);
      }
      connection.bind({ statement: name, values: s.params.map(textValue) }, true);
      connection.describe({ type: 'P' }, true);
      connection.execute({}, true);
    });
    connection.sync();
  }

  /** Called by pg once per statement that finished. */
  handleCommandComplete(message: unknown, connection: Connection): void {
    preparedOn.get(connection)?.add(this.names[this.completed]);
    this.completed += 1;
    (Query.prototype as unknown as QueryHooks).handleCommandComplete.call(
      this,
      message,
      connection,
    );
  }
}
