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

  it('passes lines without candidates through unchanged', () => {
    const line = '{"level":30,"msg":"ready"}\n';
    expect(redactLogLine(line)).toBe(line);
  });
});
