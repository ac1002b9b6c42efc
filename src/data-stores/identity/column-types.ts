/**
 * What the service needs to know of a store column's type to compare or write a value as that
 * type's own text, never through an implicit cast: integers with their range, text, uuid, and
 * everything else. Names are the catalogue's (`information_schema.columns.data_type`, lower
 * case; MySQL's unsigned integers carry an ` unsigned` suffix; PostgreSQL's user-defined types
 * such as citext their own name).
 */
export type ColumnTypeClass =
  | { kind: 'integer'; sqlType: string; min: bigint; max: bigint; unsigned: boolean }
  | { kind: 'text' }
  | { kind: 'uuid' }
  | { kind: 'other' };

const SIGNED = (bits: number) => ({
  min: -(2n ** BigInt(bits - 1)),
  max: 2n ** BigInt(bits - 1) - 1n,
});
const UNSIGNED = (bits: number) => ({ min: 0n, max: 2n ** BigInt(bits) - 1n });

const INTEGER_BITS: Record<string, [number, string]> = {
  tinyint: [8, 'tinyint'],
  smallint: [16, 'smallint'],
  int2: [16, 'smallint'],
  mediumint: [24, 'mediumint'],
  int: [32, 'integer'],
  integer: [32, 'integer'],
  int4: [32, 'integer'],
  bigint: [64, 'bigint'],
  int8: [64, 'bigint'],
};

const TEXT_TYPES = new Set([
  'character varying',
  'varchar',
  'character',
  'char',
  'bpchar',
  'text',
  'tinytext',
  'mediumtext',
  'longtext',
  'citext',
  'name',
]);

export function classifyColumnType(dataType: string): ColumnTypeClass {
  const name = dataType.trim().toLowerCase();
  const unsigned = name.endsWith(' unsigned');
  const base = unsigned ? name.slice(0, -' unsigned'.length) : name;
  const integer = INTEGER_BITS[base];
  if (integer) {
    const [bits, sqlType] = integer;
    return { kind: 'integer', sqlType, unsigned, ...(unsigned ? UNSIGNED(bits) : SIGNED(bits)) };
  }
  if (TEXT_TYPES.has(base)) {
    return { kind: 'text' };
  }
  if (base === 'uuid') {
    return { kind: 'uuid' };
  }
  return { kind: 'other' };
}

const CANONICAL_INTEGER = /^(0|-?[1-9][0-9]*)$/;
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The integer a value names, when it is one in canonical form (no sign on 0, no padding). */
export function canonicalInteger(
  value: string,
  range: { min: bigint; max: bigint },
): bigint | undefined {
  if (!CANONICAL_INTEGER.test(value) || value.length > 21) {
    return undefined;
  }
  const n = BigInt(value);
  return n >= range.min && n <= range.max ? n : undefined;
}

/** A uuid as PostgreSQL prints it (lower case, hyphenated); other spellings are other text. */
export function isCanonicalUuid(value: string): boolean {
  return CANONICAL_UUID.test(value);
}
