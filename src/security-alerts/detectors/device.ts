import { createHash } from 'node:crypto';

const BROWSERS: Array<[RegExp, string]> = [
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/Firefox\/|FxiOS/, 'Firefox'],
  [/Chrome\/|CriOS/, 'Chrome'],
  [/Safari\//, 'Safari'],
  [/^curl\//, 'curl'],
  [/node|undici|axios/i, 'Node.js'],
  [/python/i, 'Python'],
];
const SYSTEMS: Array<[RegExp, string]> = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iOS/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/** The user agent's family: browser and operating system, without versions ("Firefox on Linux"). */
export function agentFamily(userAgent: string | null | undefined): string {
  if (!userAgent) {
    return 'unknown';
  }
  const browser = BROWSERS.find(([re]) => re.test(userAgent))?.[1] ?? 'other';
  const system = SYSTEMS.find(([re]) => re.test(userAgent))?.[1];
  return system ? `${browser} on ${system}` : browser;
}

/**
 * A device as login anomaly detection sees it: user agent family plus coarse address. A browser
 * update keeps the device; another browser or another network is a new one.
 */
export function deviceOf(
  userAgent: string | null | undefined,
  coarseAddress: string | null | undefined,
): { id: string; family: string; address: string } {
  const family = agentFamily(userAgent);
  const address = coarseAddress ?? 'unknown';
  return {
    id: createHash('sha256').update(`${family}\n${address}`).digest('hex'),
    family,
    address,
  };
}
