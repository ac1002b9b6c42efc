import { loggablePath } from './log-path';

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
