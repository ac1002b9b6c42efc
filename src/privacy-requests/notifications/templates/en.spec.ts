import { REQUEST_TYPES } from '../../deadlines/deadline-rules';
import { en } from './en';
import { MAIL_LANGUAGES, templatesFor } from './mail-languages';

const id = '5d9f1f3a-4b7e-4f3c-9a0e-2c6b1e8d7f10';
const due = { date: '2027-03-01', zone: 'Europe/Brussels' };
const hostile = `<script>alert("x")</script> & 'quotes'`;

describe('English subject mails', () => {
  it('the receipt names the local due date with its zone, in text and HTML', () => {
    const m = en.receipt({ requestId: id, type: 'access', due });
    expect(m.text).toContain('We will answer by Monday 1 March 2027 (Europe/Brussels time)');
    expect(m.html).toContain('<strong>Monday 1 March 2027 (Europe/Brussels time)</strong>');
    expect(m.text).toContain(`Request reference: ${id}.`);
  });

  it('the extension and the rejection carry the reason as given in text, escaped in HTML', () => {
    for (const m of [
      en.extension({ requestId: id, type: 'erasure', due, reason: hostile }),
      en.rejection({ requestId: id, type: 'erasure', reason: hostile }),
    ]) {
      expect(m.text).toContain(`Reason: ${hostile}`);
      expect(m.html).toContain(
        'Reason: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;',
      );
      expect(m.html).not.toContain('<script>');
    }
  });

  it('the access completion links the package, with the link escaped in its attribute', () => {
    const url = 'https://privacy.example/v1/public/exports/a.1.b"onmouseover="x';
    const m = en.completion({
      requestId: id,
      type: 'access',
      download: { url, expiresAt: new Date('2027-01-07T09:00:00Z') },
    });
    expect(m.text).toContain(`${url}\nThe link works until 2027-01-07 09:00 UTC.`);
    expect(m.html).toContain(
      'href="https://privacy.example/v1/public/exports/a.1.b&quot;onmouseover=&quot;x"',
    );
  });

  it.each([
    ['erasure', 'We have erased your personal data: 12 records in 3 systems.'],
    ['rectification', 'We have corrected your personal data: 12 records in 3 systems.'],
    ['opt_out_sale', 'Your opt-out is recorded: 3 systems took part, 12 records updated.'],
  ] as const)('the %s completion says what was done, counts only', (type, line) => {
    const m = en.completion({ requestId: id, type, done: { systems: 3, records: 12 } });
    expect(m.text).toContain(line);
    expect(m.html).toContain(line);
  });

  it('one of each is singular', () => {
    const m = en.completion({ requestId: id, type: 'erasure', done: { systems: 1, records: 1 } });
    expect(m.text).toContain('1 record in 1 system.');
  });

  it('every request type has its own wording', () => {
    const lines = REQUEST_TYPES.map((type) => en.receipt({ requestId: id, type, due }).text);
    expect(new Set(lines).size).toBe(REQUEST_TYPES.length);
  });

  it('the code mail shows the code and its lifetime', () => {
    const m = en.verificationCode({ requestId: id, code: '042917', minutes: 15 });
    expect(m.text).toContain('Your verification code is 042917.');
    expect(m.text).toContain('It expires in 15 minutes.');
    expect(m.html).toContain('<strong>042917</strong>');
  });

  it('languages are looked up by name and an unknown one is refused, not replaced', () => {
    expect(templatesFor('en')).toBe(en);
    expect(Object.keys(MAIL_LANGUAGES)).toEqual(['en']);
    expect(() => templatesFor('xx')).toThrow('No mail templates for language xx');
  });
});
