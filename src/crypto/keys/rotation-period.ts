const PERIOD = /^([1-9][0-9]{0,5})([smhd])$/;
const SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
/** Largest unit first, so 86400 s reads as `1d`, 7200 s as `2h`. */
const UNITS: ReadonlyArray<[string, number]> = [
  ['d', 86_400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];

export const MIN_ROTATE_PERIOD_SECONDS = 3600;
/** Ten years: beyond it a period is a typo, and it stays well inside a PostgreSQL integer. */
export const MAX_ROTATE_PERIOD_SECONDS = 3650 * 86_400;

/** `autoRotatePeriod` text (`90d`, `12h`, `30m`, `3600s`) to seconds; undefined when invalid. */
export function parseRotatePeriod(text: string): number | undefined {
  const match = PERIOD.exec(text);
  if (match === null) {
    return undefined;
  }
  const seconds = Number(match[1]) * SECONDS[match[2]];
  return seconds >= MIN_ROTATE_PERIOD_SECONDS && seconds <= MAX_ROTATE_PERIOD_SECONDS
    ? seconds
    : undefined;
}

export function formatRotatePeriod(seconds: number): string {
  const [unit, size] = UNITS.find(([, s]) => seconds % s === 0) as [string, number];
  return `${seconds / size}${unit}`;
}
