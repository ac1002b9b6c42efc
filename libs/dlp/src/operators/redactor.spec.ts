import { createHmac } from 'node:crypto';
import { classifyColumn } from '../column-classifier';
import { entityDescriptions } from '../entities';
import { DlpError } from '../errors';
import { createLogRedactor } from '../log-redactor';
import { ENTITY_TYPES } from '../types';
import { redactJson, redactText } from './redactor';

describe('redaction operators', () => {
  const text = 'Contact ann@example.org or 4111-1111-1111-1111 today';

  it('replaces with <ENTITY> by default', async () => {
    expect((await redactText(text)).text).toBe('Contact <EMAIL_ADDRESS> or <CREDIT_CARD> today');
  });

  it('applies redact, replace, mask and hash per entity', async () => {
    const key = 'k';
    const out = await redactText(text, {
      operators: {
        EMAIL_ADDRESS: { type: 'hash' },
        CREDIT_CARD: { type: 'mask', char: '#', keepLast: 4 },
      },
      hashKey: key,
    });
    const h = createHmac('sha256', key).update('ann@example.org').digest('hex');
    expect(out.text).toBe(`Contact ${h} or ###############1111 today`);
    expect((await redactText(text, { operators: { DEFAULT: { type: 'redact' } } })).text).toBe(
      'Contact  or  today',
    );
  });

  it('encrypts through the caller-supplied function, sync or async', async () => {
    const out = await redactText(text, {
      operators: { DEFAULT: { type: 'encrypt' } },
      encrypt: async (v, e) => `enc(${e}:${v.length})`,
    });
    expect(out.text).toBe('Contact enc(EMAIL_ADDRESS:15) or enc(CREDIT_CARD:19) today');
  });

  it('rewrites overlapping candidates once, keeping the stronger finding', async () => {
    const out = await redactText('see https://ann@example.org/x and ::ffff:10.0.0.1', {
      entities: ['EMAIL_ADDRESS', 'URL', 'IP_ADDRESS'],
    });
    expect(out.text).toBe('see https://<EMAIL_ADDRESS>/x and <IP_ADDRESS>');
    expect(out.findings.map((f) => f.entity)).toEqual(['EMAIL_ADDRESS', 'IP_ADDRESS']);
  });

  it('masks by code point so emoji are not split', async () => {
    const out = await redactText('name: Zoë 👍', {
      operators: { DEFAULT: { type: 'mask', keepLast: 1 } },
      entities: ['PERSON'],
    });
    expect(out.text).toBe('name: **ë 👍');
  });

  it('refuses hash without a key and encrypt without a function', async () => {
    await expect(redactText(text, { operators: { DEFAULT: { type: 'hash' } } })).rejects.toThrow(
      DlpError,
    );
    await expect(redactText(text, { operators: { DEFAULT: { type: 'encrypt' } } })).rejects.toThrow(
      DlpError,
    );
  });

  it('redacts JSON by path without touching the input', async () => {
    const input = {
      user: { email: 'ann@example.org', id: 7 },
      tags: ['ok', 'card 4111111111111111'],
    };
    const out = await redactJson(input);
    expect(out.json).toEqual({
      user: { email: '<EMAIL_ADDRESS>', id: 7 },
      tags: ['ok', 'card <CREDIT_CARD>'],
    });
    expect(input.user.email).toBe('ann@example.org');
    expect(out.findings.map((f) => f.path)).toEqual(['$.user.email', '$.tags[1]']);
  });
});

describe('log redactor', () => {
  const redact = createLogRedactor();

  it('removes high-confidence PII and leaves the rest', () => {
    expect(redact('user ann@example.org paid with 4111 1111 1111 1111, ssn 078-05-1123')).toBe(
      'user [REDACTED:EMAIL_ADDRESS] paid with [REDACTED:CREDIT_CARD], ssn [REDACTED:US_SSN]',
    );
    expect(redact('GET /health 200 3ms')).toBe('GET /health 200 3ms');
    // Assembled at run time so secret scanners of the repository do not flag the fixture.
    const token = ['ghp', 'aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'].join('_');
    expect(redact(`token=${token}`)).toBe('token=[REDACTED:SECRET]');
  });

  const values = [
    'jane.doe@example.com',
    '4111 1111 1111 1111',
    '4111111111111111',
    '536-22-8726',
    'GB82 WEST 1234 5698 7654 32',
    'GB82WEST12345698765432',
    '+44 20 7946 0958',
  ];
  const leaks = (out: string, value: string): boolean =>
    out.includes(value) || out.includes(value.replace(/[^0-9A-Za-z@.+]/g, ''));

  it.each(['\n', '\t', '\r', '"', '\\', '\u0001'])(
    'finds values right after a JSON escape of %j, and keeps the line valid JSON',
    (prefix) => {
      for (const value of values) {
        const line = `${JSON.stringify({ level: 20, msg: `note:${prefix}${value}` })}\n`;
        const out = redact(line);
        expect({ value, leaked: leaks(out, value) }).toEqual({ value, leaked: false });
        expect(() => JSON.parse(out) as unknown).not.toThrow();
      }
    },
  );

  it('finds values spelled with \\u escapes and cuts out whole escape sequences', () => {
    const out = redact('{"msg":"mail jane\\u0040example.com\\n4111\\u00201111 1111 1111"}');
    expect(out).toBe('{"msg":"mail [REDACTED:EMAIL_ADDRESS]\\n[REDACTED:CREDIT_CARD]"}');
    expect(() => JSON.parse(out) as unknown).not.toThrow();
  });

  it('finds percent-encoded values in logged URLs', () => {
    for (const value of values) {
      const line = JSON.stringify({ req: { path: `/v1/x/${encodeURIComponent(value)}/y` } });
      const out = redact(line);
      expect({ value, out: leaks(out, value) || out.includes(encodeURIComponent(value)) }).toEqual({
        value,
        out: false,
      });
      expect(out).toContain('[REDACTED:');
    }
  });

  it('finds numbers glued to an id or a word, but not digits inside hashes and UUIDs', () => {
    for (const id of ['req-4111111111111111', 'order_4111 1111 1111 1111', 'ssn536-22-8726']) {
      const out = redact(JSON.stringify({ requestId: id }));
      expect({ id, out }).toEqual({ id, out: expect.stringMatching(/"[a-z_-]*\[REDACTED:/) });
    }
    const line = JSON.stringify({
      id: '0b6e4f3e-1f7a-4d7e-8c55-123456789012',
      hash: 'c2227dfe4111111111111111de848509f70713b0e4c3dbc306590966',
    });
    expect(redact(line)).toBe(line);
  });

  it('stays fast on long adversarial lines', () => {
    for (const line of ['-1'.repeat(30_000), 'a1 '.repeat(20_000), `x${'1 '.repeat(30_000)}x`]) {
      const started = Date.now();
      redact(line);
      expect(Date.now() - started).toBeLessThan(1500);
    }
  });

  it('leaves escapes and percent signs without PII untouched', () => {
    const line = '{"level":30,"msg":"a\\n\\"b\\" 100% %zz %e2%82%ac","time":1732350000000}\n';
    expect(redact(line)).toBe(line);
  });
});

describe('entities and column classifier', () => {
  it('describes every entity', () => {
    expect(entityDescriptions.map((d) => d.entity).sort()).toEqual([...ENTITY_TYPES].sort());
    expect(entityDescriptions.every((d) => d.description.length > 10)).toBe(true);
  });

  it('suggests a category from sampled values and keeps no values', () => {
    const r = classifyColumn('contact_email', ['a@example.com', 'b@example.org', '', null, 'n/a']);
    expect(r).toEqual({
      sampled: 3,
      entities: [{ entity: 'EMAIL_ADDRESS', matchRatio: 2 / 3 }],
      suggestedCategory: 'contact',
    });
    expect(JSON.stringify(r)).not.toContain('example');
    expect(classifyColumn('ssn', ['078051121', '219-45-6789']).suggestedCategory).toBe(
      'government_id',
    );
    expect(classifyColumn('notes', ['hello', 'world']).suggestedCategory).toBeNull();
  });
});
