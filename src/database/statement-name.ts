import { createHash } from 'node:crypto';

const MAX_NAMES = 1000;

/**
 * Names prepared statements: `prefix` and a hash of the text, so one name always comes with the
 * same text. Names are kept by text (cleared when full: texts vary by store and subject shape),
 * since every erasure of a store sends the same few texts: a look-up costs a pass over the text
 * instead of a SHA-256.
 */
export function statementNames(prefix: string): (sql: string) => string {
  const names = new Map<string, string>();
  return (sql) => {
    let name = names.get(sql);
    if (name === undefined) {
      if (names.size >= MAX_NAMES) {
        names.clear();
      }
      name = `${prefix}${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
      names.set(sql, name);
    }
    return name;
  };
}
