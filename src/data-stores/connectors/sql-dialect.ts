import type { IdentityType } from 'src/data-stores/data-store.types';

/** What differs between the SQL stores when building the same query. */
export interface SqlDialect {
  /** Quotes an identifier that was checked against the store's catalogue. */
  quote(identifier: string): string;
  /** The placeholder of the `n`-th (1-based) parameter. */
  param(n: number): string;
  identityMatch(column: string, type: IdentityType, param: string): string;
  mask(column: string): string;
  /** A keyed, deterministic hash: the same value gives the same result, the key is a parameter. */
  hash(column: string, keyParam: string): string;
  /**
   * When set, erasure reaches a child's rows by joining from the subject's identity match down
   * through its parents with this keyword, instead of `IN (sub-query)`: MariaDB runs such a
   * sub-query in UPDATE and DELETE once per row of the whole table. The join order is forced
   * (`STRAIGHT_JOIN`) because a plan that starts from the child locks rows of other subjects.
   */
  erasureJoin?: string;
}

export const postgresDialect: SqlDialect = {
  quote: (id) => `"${id.replace(/"/g, '""')}"`,
  param: (n) => `$${n}`,
  identityMatch: (column, type, param) =>
    type === 'email' ? `lower(${column}::text) = lower(${param})` : `${column}::text = ${param}`,
  mask: (column) =>
    `CASE WHEN ${column} IS NULL THEN NULL ELSE repeat('*', least(length(${column}), 8)) END`,
  hash: (column, key) =>
    `CASE WHEN ${column} IS NULL THEN NULL ELSE 'h:' || left(encode(sha256(convert_to(${key} || ${column}, 'UTF8')), 'hex'), 32) END`,
};

export const mysqlDialect: SqlDialect = {
  quote: (id) => `\`${id.replace(/`/g, '``')}\``,
  param: () => '?',
  identityMatch: (column, type, param) =>
    type === 'email' ? `lower(${column}) = lower(${param})` : `${column} = ${param}`,
  mask: (column) =>
    `CASE WHEN ${column} IS NULL THEN NULL ELSE repeat('*', least(char_length(${column}), 8)) END`,
  hash: (column, key) =>
    `CASE WHEN ${column} IS NULL THEN NULL ELSE concat('h:', left(sha2(concat(${key}, ${column}), 256), 32)) END`,
  erasureJoin: 'STRAIGHT_JOIN',
};
