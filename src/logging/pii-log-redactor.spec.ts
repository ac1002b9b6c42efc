import { randomBytes } from 'node:crypto';
import { API_KEY_PREFIX } from 'src/auth/api-keys/api-keys.service';
import { redactLogLine } from './pii-log-redactor';

describe('redactLogLine', () => {
  it('removes PII from a JSON log line and keeps it valid JSON', () => {
    const line = `${JSON.stringify({
      level: 30,
      msg: 'user jane.doe@example.com paid with 4111 1111 1111 1111',
      req: { url: '/v1/x?phone=+14155550132', ssn: '078-05-1120' },
    })}\n`;
    const out = redactLogLine(line);
    for (const pii of ['jane.doe@example.com', '4111 1111 1111 1111', '+14155550132']) {
      expect(out).not.toContain(pii);
    }
    expect(() => JSON.parse(out) as unknown).not.toThrow();
  });

  it('removes values that follow a JSON escape', () => {
    const line = `${JSON.stringify({ msg: 'a\n4111 1111 1111 1111\t+44 20 7946 0958' })}\n`;
    const out = redactLogLine(line);
    expect(out).not.toMatch(/4111|7946/);
    expect(() => JSON.parse(out) as unknown).not.toThrow();
  });

  it("removes the service's own API keys", () => {
    const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const out = redactLogLine(`${JSON.stringify({ msg: `called with ${key}` })}\n`);
    expect(out).toBe('{"msg":"called with [REDACTED:SECRET]"}\n');
  });

  it('passes lines without candidates through unchanged', () => {
    const line = '{"level":30,"msg":"ready"}\n';
    expect(redactLogLine(line)).toBe(line);
  });
});
