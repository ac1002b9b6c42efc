import type { PoolConnection, ResultSetHeader } from 'mysql2';
import type { PlannedAnswer } from './sql.connector';
import { statementNames } from 'src/database/statement-name';
import type { SqlStatement } from './subject-query.builder';

/**
 * The statements each connection holds prepared, by name. A name is added once its `PREPARE`
 * has answered; preparing a name again (after a script that failed before telling) is allowed,
 * and replaces the statement of that name.
 */
const preparedOn = new WeakMap<PoolConnection, Set<string>>();

const nameOf = statementNames('er_');

/**
 * A script of statements sent in one round trip, then its results one per statement as they
 * arrive. A statement with values is prepared on the connection under a name the first time
 * (`PREPARE`, inside the script) and executed by that name with its values in user variables
 * set at the script's start, so the server parses its text once per connection rather than in
 * every script, and the script carries a name instead of the text. Values are escaped by the
 * driver into the `SET`, as the driver does for any statement; inside the prepared statement a
 * parameter compares as a literal does (coercible), so columns of any collation take it; the
 * transaction's last script (or its rollback) empties the variables. The server stops at a
 * failing statement; `failed` names the statement it belonged to, and a name counts as prepared
 * only once its `PREPARE` has answered.
 */
export class MysqlScript {
  private readonly results: Array<ResultSetHeader | Array<Record<string, unknown>>> = [];
  /** For each statement sent, the index in `statements` it belongs to (-1 for a `SET`). */
  private readonly owners: number[] = [];
  /** For each of `statements`, the index of the statement sent that answers it. */
  private readonly answers: number[] = [];
  /** The names this script prepares, with the index of their `PREPARE` among those sent. */
  private readonly preparing = new Map<string, number>();
  private readonly text: string;

  constructor(
    private readonly connection: PoolConnection,
    private readonly statements: SqlStatement[],
    /** The user variable holding each value, shared by the scripts of one transaction. */
    variables: Map<unknown, string>,
    /** The transaction's last script: it ends by emptying the variables. */
    last: boolean,
  ) {
    const prepared = preparedOn.get(connection) ?? new Set<string>();
    preparedOn.set(connection, prepared);
    const sent: string[] = [];
    const setting: string[] = [];
    const variableOf = (value: unknown): string => {
      let variable = variables.get(value);
      if (variable === undefined) {
        variable = `@er_v${variables.size}`;
        variables.set(value, variable);
        setting.push(`${variable} = ${connection.escape(value)}`);
      }
      return variable;
    };
    statements.forEach((s, k) => {
      if (s.params.length === 0) {
        this.answers.push(sent.length);
        this.owners.push(k);
        sent.push(s.sql);
        return;
      }
      const name = nameOf(s.sql);
      if (!prepared.has(name) && !this.preparing.has(name)) {
        this.preparing.set(name, sent.length);
        this.owners.push(k);
        sent.push(`PREPARE ${name} FROM ${connection.escape(s.sql)}`);
      }
      this.answers.push(sent.length);
      this.owners.push(k);
      sent.push(`EXECUTE ${name} USING ${s.params.map(variableOf).join(', ')}`);
    });
    if (setting.length > 0) {
      sent.unshift(`SET ${setting.join(', ')}`);
      this.owners.unshift(-1);
      this.answers.forEach((a, k) => (this.answers[k] = a + 1));
      this.preparing.forEach((i, name) => this.preparing.set(name, i + 1));
    }
    if (last && variables.size > 0) {
      // The subject's values do not stay in the session for as long as the connection lives.
      sent.push(clearing(variables));
    }
    this.text = sent.join(';\n');
  }

  /** The statement that was running when the script stopped, if it was one of `statements`. */
  get failed(): SqlStatement | undefined {
    return this.statements[this.owners[this.results.length]];
  }

  run(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.connection
        .query(this.text)
        // Each statement announces its result with its columns (none for a change).
        .on('fields', (fields) => this.results.push(fields === undefined ? EMPTY_HEADER : []))
        .on('result', (result: unknown) => {
          const last = this.results.length - 1;
          const rows = this.results[last];
          if (Array.isArray(rows)) {
            rows.push(result as Record<string, unknown>);
          } else {
            this.results[last] = result as ResultSetHeader;
          }
        })
        .on('error', (e) => {
          this.keepPrepared();
          reject(e);
        })
        .on('end', () => {
          this.keepPrepared();
          resolve();
        });
    });
  }

  /** Notes the statements whose `PREPARE` answered: those before the one that failed, if any. */
  private keepPrepared(): void {
    const prepared = preparedOn.get(this.connection);
    this.preparing.forEach((i, name) => {
      if (i < this.results.length) {
        prepared?.add(name);
      }
    });
  }

  /** Statement `index`'s rows changed, or the counts of its one row. */
  answer(index: number, counts: boolean): PlannedAnswer {
    const result = this.results[this.answers[index]];
    return counts
      ? Object.values((result as Array<Record<string, unknown>>)[0]).map(Number)
      : (result as ResultSetHeader).affectedRows;
  }
}

const EMPTY_HEADER = { affectedRows: 0 } as ResultSetHeader;

/** The statement that empties a transaction's variables (it has one at least). */
export function clearing(variables: Map<unknown, string>): string {
  return `SET ${[...variables.values()].map((v) => `${v} = NULL`).join(', ')}`;
}
