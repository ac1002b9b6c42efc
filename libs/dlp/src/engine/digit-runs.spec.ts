import { hasSevenDigits } from './digit-runs';

describe('hasSevenDigits', () => {
  it('finds seven digits in a row and nothing shorter or split', () => {
    expect(hasSevenDigits('id 1234567')).toBe(true);
    expect(hasSevenDigits('X1234567L')).toBe(true);
    expect(hasSevenDigits('id 123456')).toBe(false);
    expect(hasSevenDigits('123 4567')).toBe(false);
    expect(hasSevenDigits('')).toBe(false);
  });

  it('answers each text afresh when texts alternate', () => {
    const texts = ['a 1234567', 'b 12', 'a 1234567', 'b 12'];
    expect(texts.map(hasSevenDigits)).toEqual([true, false, true, false]);
  });
});
