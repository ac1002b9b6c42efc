import type { CatalogueColumn } from 'src/data-stores/connectors/connector.interface';
import type { CorrectionValue } from 'src/data-stores/data-store.types';
import { correctionProblem } from './correction-value';

const column = (dataType: string, extra: Partial<CatalogueColumn> = {}): CatalogueColumn => ({
  name: 'c',
  dataType,
  nullable: true,
  ...extra,
});

describe('correctionProblem', () => {
  const fits: Array<[string, CatalogueColumn, CorrectionValue]> = [
    ['text within its length', column('character varying', { maxLength: 10 }), 'Zoë Ñúñez'],
    ['an astral character counted once', column('varchar', { maxLength: 2 }), '😀a'],
    ['an integer number', column('integer'), 42],
    ['an integer string', column('int unsigned'), '4294967295'],
    ['null where nullable', column('text'), null],
    ['a decimal string', column('numeric'), '12.50'],
    ['a decimal number', column('decimal'), 12.5],
    ['a float', column('double precision'), 0.1],
    ['a boolean', column('boolean'), true],
    ['a date', column('date'), '2024-02-29'],
    ['a timestamp', column('timestamp with time zone'), '2026-12-03T10:00:00Z'],
    ['a uuid', column('uuid'), '5d9f1f3a-4b7e-4f3c-9a0e-2c6b1e8d7f10'],
  ];
  it.each(fits)('accepts %s', (_, c, v) => {
    expect(correctionProblem(c, v)).toBeUndefined();
  });

  const refused: Array<[string, CatalogueColumn, CorrectionValue, RegExp]> = [
    ['text over its length', column('varchar', { maxLength: 5 }), 'Zoë Ñúñez', /at most 5/],
    ['a number for text', column('text'), 12, /must be text/],
    ['text with NUL', column('text'), 'a\u0000b', /NUL/],
    ['a lone surrogate', column('text'), 'a\ud800', /well-formed/],
    ['null where not nullable', column('text', { nullable: false }), null, /null/],
    ['a non-canonical integer', column('integer'), '012', /integer/],
    ['an integer out of range', column('smallint'), 40000, /integer/],
    ['a fraction for an integer', column('int'), 1.5, /integer/],
    ['text for an integer', column('int'), 'forty', /integer/],
    ['a string for a boolean', column('boolean'), 'yes', /true or false/],
    ['an impossible date', column('date'), '2026-02-30', /date/],
    ['a type it does not know', column('jsonb'), '{}', /cannot be corrected/],
  ];
  it.each(refused)('refuses %s, without quoting the value', (_, c, v, message) => {
    const problem = correctionProblem(c, v);
    expect(problem).toMatch(message);
    if (typeof v === 'string' && v.length > 2) {
      expect(problem).not.toContain(v);
    }
  });
});
