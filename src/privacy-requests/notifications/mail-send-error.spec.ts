import { MailSendError } from './mail-send-error';

describe('MailSendError', () => {
  it('a 5xx answer is final, and the reason keeps only the code and status', () => {
    const e = Object.assign(
      new Error("Can't send mail - all recipients were rejected: 550 5.1.1 <jane@example.com>"),
      { code: 'EENVELOPE', responseCode: 550 },
    );
    const failure = MailSendError.from(e);
    expect(failure).toMatchObject({ reason: 'EENVELOPE 550', permanent: true });
    expect(failure.message).not.toContain('jane');
  });

  it('a 4xx answer is tried again', () => {
    const e = Object.assign(new Error('451 try later'), { code: 'EMESSAGE', responseCode: 451 });
    expect(MailSendError.from(e)).toMatchObject({ reason: 'EMESSAGE 451', permanent: false });
  });

  it('a connection failure is tried again', () => {
    const e = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2525'), {
      code: 'ESOCKET',
    });
    expect(MailSendError.from(e)).toMatchObject({ reason: 'ESOCKET', permanent: false });
  });

  it('an error with neither names its kind only', () => {
    expect(MailSendError.from(new TypeError('secret detail'))).toMatchObject({
      reason: 'TypeError',
      permanent: false,
    });
  });
});
