import type { IdentityType } from 'src/data-stores/data-store.types';
import {
  canonicalInteger,
  classifyColumnType,
  isCanonicalUuid,
} from 'src/data-stores/identity/column-types';
import { emailSpellings } from 'src/data-stores/identity/email-normaliser';

/** The identity column of one table in a statement. */
export interface IdentityColumn {
  /** The column as written in the statement: quoted, with its table alias if any. */
  sql: string;
  type: IdentityType;
  /** The column's type from the store's catalogue (`CatalogueColumn.dataType`). */
  dataType: string;
  /** The column's character set, where the store names one (MySQL). */
  characterSet?: string;
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';

/** What differs between the SQL stores when building the same query. */
export interface SqlDialect {
  /** Quotes an identifier that was checked against the store's catalogue. */
  quote(identifier: string): string;
  /** The placeholder of the `n`-th (1-based) parameter. */
  param(n: number): string;
  /**
   * The condition that a row belongs to the subject whose identifier is `value`, byte for byte:
   * the column's own comparison first, so an index on it finds the candidates (on a case- or
   * accent-insensitive collation, a superset), then an exact test of the candidates. Values that
   * the column's type cannot hold in their own canonical form match nothing, with no cast of the
   * column. E-mail addresses (normalised to lower case at intake) also match a stored address
   * that differs only in the case of ASCII letters, where the column's comparison finds it, and
   * an internationalised domain in either its ASCII or its Unicode form.
   * Pushes its parameters onto `params`, in the order they appear.
   */
  identityMatch(column: IdentityColumn, value: string, params: unknown[]): string;
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
  identityMatch: (column, value, params) => {
    const c = column.sql;
    const next = (v: unknown) => `$${params.push(v)}`;
    const type = classifyColumnType(column.dataType);
    switch (type.kind) {
      case 'integer': {
        const n = canonicalInteger(value, type);
        return n === undefined ? NO_MATCH : `${c} = CAST(${next(n.toString())} AS ${type.sqlType})`;
      }
      case 'uuid': {
        // The hex digits' case does not make another uuid; any other spelling is not one.
        const uuid = value.toLowerCase();
        return isCanonicalUuid(uuid) ? `${c} = CAST(${next(uuid)} AS uuid)` : NO_MATCH;
      }
      case 'text': {
        // The candidate test has the column's type and collation (citext, ICU included); the
        // exact one compares bytes ("C"), with ASCII case folded for e-mail addresses only.
        const text = `CAST(${c} AS text)`;
        const exact = column.type === 'email' ? `translate(${text}, '${UPPER}', '${LOWER}')` : text;
        return anyOf(spellings(column, value), (v) => {
          const candidate = next(v);
          return `(${c} = ${candidate} AND ${exact} COLLATE "C" = CAST(${next(v)} AS text))`;
        });
      }
      case 'other':
        // No index serves a text comparison of another type; exact, and rare for an identity.
        return `CAST(${c} AS text) COLLATE "C" = CAST(${next(value)} AS text)`;
    }
  },
  mask: (column) =>
    `CASE WHEN ${column} IS NULL THEN NULL ELSE repeat('*', least(length(${column}), 8)) END`,
  hash: (column, key) =>
    `CASE WHEN ${column} IS NULL THEN NULL ELSE 'h:' || left(encode(sha256(convert_to(${key} || ${column}, 'UTF8')), 'hex'), 32) END`,
};

export const mysqlDialect: SqlDialect = {
  quote: (id) => `\`${id.replace(/`/g, '``')}\``,
  param: () => '?',
  identityMatch: (column, value, params) => {
    const c = column.sql;
    const next = (v: unknown) => {
      params.push(v);
      return '?';
    };
    const type = classifyColumnType(column.dataType);
    switch (type.kind) {
      case 'integer': {
        const n = canonicalInteger(value, type);
        const as = type.unsigned ? 'UNSIGNED' : 'SIGNED';
        return n === undefined ? NO_MATCH : `${c} = CAST(${next(n.toString())} AS ${as})`;
      }
      case 'text': {
        // `col = ?` uses the column's collation and index (on MariaDB's default
        // utf8mb4_general_ci: case- and accent-insensitive, trailing spaces ignored); the exact
        // test compares the UTF-8 bytes, which no PAD SPACE `_bin` collation would.
        // The value is converted to the column's character set (lossy at worst: the exact test
        // decides), since a column of another set next to a utf8mb4 value is an error.
        const bytes = `CAST(CONVERT(${c} USING utf8mb4) AS BINARY)`;
        const exact = column.type === 'email' ? asciiLower(bytes) : bytes;
        const cs = column.characterSet;
        return anyOf(spellings(column, value), (v) => {
          const candidate =
            cs && cs !== 'utf8mb4' && /^[a-z0-9_]+$/.test(cs)
              ? `CONVERT(${next(v)} USING ${cs})`
              : next(v);
          return `(${c} = ${candidate} AND ${exact} = CAST(${next(v)} AS BINARY))`;
        });
      }
      case 'uuid': {
        // MariaDB's UUID type: compared as the type, from its canonical text only.
        const uuid = value.toLowerCase();
        return isCanonicalUuid(uuid) ? `${c} = ${next(uuid)}` : NO_MATCH;
      }
      case 'other':
        return `CAST(CONVERT(CAST(${c} AS CHAR) USING utf8mb4) AS BINARY) = CAST(${next(value)} AS BINARY)`;
    }
  },
  mask: (column) =>
    `CASE WHEN ${column} IS NULL THEN NULL ELSE repeat('*', least(char_length(${column}), 8)) END`,
  hash: (column, key) =>
    `CASE WHEN ${column} IS NULL THEN NULL ELSE concat('h:', left(sha2(concat(${key}, ${column}), 256), 32)) END`,
  erasureJoin: 'STRAIGHT_JOIN',
};

const NO_MATCH = '1 = 0';

/** An e-mail address is looked for in each of its spellings (see `emailSpellings`). */
function spellings(column: IdentityColumn, value: string): string[] {
  return column.type === 'email' ? emailSpellings(value) : [value];
}

function anyOf(values: string[], match: (value: string) => string): string {
  const parts = values.map(match);
  return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
}

/** ASCII letters lowered byte by byte: UTF-8 multi-byte sequences never hold bytes below 0x80. */
function asciiLower(bytes: string): string {
  let out = bytes;
  for (let i = 0; i < UPPER.length; i++) {
    out = `REPLACE(${out}, '${UPPER[i]}', '${LOWER[i]}')`;
  }
  return out;
}
