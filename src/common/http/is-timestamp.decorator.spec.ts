import { isTimestamp } from './is-timestamp.decorator';

describe('isTimestamp', () => {
  it.each([
    ['2026-12-31', true],
    ['2026-12-31T00:00:00Z', true],
    ['2026-12-31T23:59:59.123+01:00', true],
    ['2028-02-29T12:00:00Z', true],
    ['2026-02-30', false],
    ['2027-02-29T12:00:00Z', false],
    ['2026-04-31T00:00:00Z', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-W01', false],
    ['2026-W01-1', false],
    ['2026-001', false],
    ['2026-12-31T24:00:00Z', false],
    ['2026-12-31T10:00:00', false],
    ['0000-01-01', false],
    ['2026-12-31T10:00:00Z\u0000', false],
    ['', false],
  ])('%j is %s', (value, expected) => {
    expect(isTimestamp(value)).toBe(expected);
  });

  it('refuses what is not a string', () => {
    expect(isTimestamp(20261231)).toBe(false);
  });
});
