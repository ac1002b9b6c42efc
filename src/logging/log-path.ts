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

/** What a request line shows of the URL once routing is done: the matched route's pattern
 * (`/v1/subjects/:subjectId/consents`, so path parameters never reach the log), else the
 * cleaned path. */
export function loggableTarget(req: {
  url?: string;
  baseUrl?: string;
  route?: { path?: unknown };
}): { route: string } | { path: string } {
  const pattern = req.route?.path;
  // The framework's catch-all for unknown routes (`/{*path}`) says nothing: show the path instead.
  return typeof pattern === 'string' && !pattern.includes('{*')
    ? { route: `${req.baseUrl ?? ''}${pattern}` }
    : { path: loggablePath(req.url ?? '') };
}
