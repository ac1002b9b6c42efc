import { formatRotatePeriod, parseRotatePeriod } from './rotation-period';

describe('auto-rotation periods', () => {
  it.each([
    ['90d', 90 * 86_400],
    ['12h', 12 * 3600],
    ['1h', 3600],
    ['60m', 3600],
    ['3600s', 3600],
    ['3650d', 3650 * 86_400],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(parseRotatePeriod(text)).toBe(seconds);
  });

  it.each(['59m', '3599s', '0d', '3651d', '1w', '1.5d', ' 1d', '1D', '', 'd', '01d', '-1d'])(
    'refuses %p',
    (text) => {
      expect(parseRotatePeriod(text)).toBeUndefined();
    },
  );

  it.each([
    [90 * 86_400, '90d'],
    [36 * 3600, '36h'],
    [3600, '1h'],
    [3660, '61m'],
    [3601, '3601s'],
  ])('writes %i seconds as %s', (seconds, text) => {
    expect(formatRotatePeriod(seconds)).toBe(text);
  });
});
