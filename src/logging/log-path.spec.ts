import { loggablePath, loggableTarget } from './log-path';

describe('loggablePath', () => {
  it('drops the query string and the fragment', () => {
    expect(loggablePath('/v1/audit/events?actor=jane@example.com#x')).toBe('/v1/audit/events');
    expect(loggablePath('/v1/x#frag?y')).toBe('/v1/x');
  });

  it('hides capability tokens and long opaque segments, keeps ids and names', () => {
    const id = '0b6e4f3e-1f7a-4d7e-8c55-1b0f5d2c9a10';
    expect(loggablePath(`/v1/public/exports/${id}.1795429438.abc?x=1`)).toBe(
      '/v1/public/exports/[REDACTED]',
    );
    expect(loggablePath(`/v1/keys/${'aB3'.repeat(12)}/rotate`)).toBe('/v1/keys/[REDACTED]/rotate');
    expect(loggablePath(`/v1/privacy-requests/${id}/export`)).toBe(
      `/v1/privacy-requests/${id}/export`,
    );
    expect(loggablePath('/v1/keys/customer-email-2026/rotate')).toBe(
      '/v1/keys/customer-email-2026/rotate',
    );
  });
});

describe('loggableTarget', () => {
  it('shows the route pattern of a routed request, never its parameters', () => {
    expect(
      loggableTarget({
        url: '/v1/subjects/customer-42/consents',
        route: { path: '/v1/subjects/:subjectId/consents' },
      }),
    ).toEqual({ route: '/v1/subjects/:subjectId/consents' });
  });

  it('falls back to the cleaned path when no route matched', () => {
    expect(loggableTarget({ url: '/nope?email=a@b.c' })).toEqual({ path: '/nope' });
    expect(loggableTarget({ url: '/nope/x', route: { path: '/{*path}' } })).toEqual({
      path: '/nope/x',
    });
  });
});
