const MASK = '***';

/**
 * A URL as it may be shown: user name, password, every query value and the fragment replaced
 * by `***` (a bare `?value` whole), since callers put credentials there (`https://user:pass@host/h?token=…`). Keys,
 * host and path stay so the target is recognisable. A URL without any of those is returned as
 * given; a string that is not a URL is masked whole.
 */
export function maskedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return MASK;
  }
  if (!parsed.username && !parsed.password && !parsed.search && !parsed.hash) {
    return url;
  }
  if (parsed.username) {
    parsed.username = MASK;
  }
  if (parsed.password) {
    parsed.password = MASK;
  }
  if (parsed.search) {
    // A bare `?token` has its secret in the key: only a key with a value is kept.
    parsed.search = [...parsed.searchParams]
      .map(([k, v]) => (v === '' ? MASK : `${encodeURIComponent(k)}=${MASK}`))
      .join('&');
  }
  if (parsed.hash) {
    parsed.hash = MASK;
  }
  return parsed.toString();
}
