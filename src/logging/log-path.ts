/** Routes whose path parameter is a credential by design (capability URLs). */
const CAPABILITY_ROUTES = [/^(\/v1\/public\/exports\/)[^/]+/];

/** Long opaque segments (tokens, signed links); UUIDs and short names stay readable. */
const OPAQUE_SEGMENT = /^(?=[^/]*[0-9])(?=[^/]*[A-Za-z])[A-Za-z0-9._~%+=-]{32,}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The path of a request URL as it may be logged: no query string or fragment (they may carry
 * identifiers), and no credential that travels in the path. Personal data left in the path is
 * removed later by the line redactor.
 */
export function loggablePath(url: string): string {
  let path = url.split(/[?#]/, 1)[0];
  for (const route of CAPABILITY_ROUTES) {
    path = path.replace(route, '$1[REDACTED]');
  }
  return path
    .split('/')
    .map((s) => (OPAQUE_SEGMENT.test(s) && !UUID.test(s) ? '[REDACTED]' : s))
    .join('/');
}
