import { canonicalInteger, classifyColumnType, isCanonicalUuid } from './column-types';

describe('classifyColumnType', () => {
  it.each([
    ['integer', 'integer', -(2n ** 31n), 2n ** 31n - 1n],
    ['int', 'integer', -(2n ** 31n), 2n ** 31n - 1n],
    ['int unsigned', 'integer', 0n, 2n ** 32n - 1n],
    ['bigint unsigned', 'bigint', 0n, 2n ** 64n - 1n],
    ['smallint', 'smallint', -32768n, 32767n],
    ['tinyint', 'tinyint', -128n, 127n],
  ])('knows %s as an integer with its range', (dataType, sqlType, min, max) => {
    expect(classifyColumnType(dataType)).toMatchObject({ kind: 'integer', sqlType, min, max });
  });

  it.each(['character varying', 'varchar', 'text', 'citext', 'character', 'longtext'])(
    'knows %s as text',
    (dataType) => {
      expect(classifyColumnType(dataType)).toEqual({ kind: 'text' });
    },
  );

  it.each(['numeric', 'decimal', 'jsonb', 'varbinary', 'date'])('has %s as other', (t) => {
    expect(classifyColumnType(t)).toEqual({ kind: 'other' });
  });
});

describe('canonicalInteger', () => {
  const int = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
  it.each(['12', '0', '-7', '2147483647', '-2147483648'])('accepts %j', (v) => {
    expect(canonicalInteger(v, int)).toBe(BigInt(v));
  });
  it.each([
    '12abc',
    ' 12',
    '12 ',
    '012',
    '12.0',
    '+12',
    '-0',
    '1e3',
    '0x10',
    '',
    '2147483648',
    '١٢',
  ])('refuses %j', (v) => {
    expect(canonicalInteger(v, int)).toBeUndefined();
  });
});

describe('isCanonicalUuid', () => {
  it('accepts the lower-case hyphenated form only', () => {
    expect(isCanonicalUuid('5d9f1f3a-4b7e-4f3c-9a0e-2c6b1e8d7f10')).toBe(true);
    expect(isCanonicalUuid('5D9F1F3A-4B7E-4F3C-9A0E-2C6B1E8D7F10')).toBe(false);
    expect(isCanonicalUuid('{5d9f1f3a-4b7e-4f3c-9a0e-2c6b1e8d7f10}')).toBe(false);
  });
});
