import { OutageNotice } from './outage-notice';

describe('OutageNotice', () => {
  it('logs an outage once, its end once, and only the kind of error', () => {
    const warn = jest.fn();
    const log = jest.fn();
    const notice = new OutageNotice({ warn, log }, 'gone', 'back');
    notice.reached();
    const error = Object.assign(new Error('connect ECONNREFUSED jane@example.com'), {
      code: 'ECONNREFUSED',
    });
    notice.failed(error);
    notice.failed(error);
    notice.reached();
    notice.reached();
    notice.failed(new TypeError('x'));
    expect(warn.mock.calls).toEqual([
      [{ err: { type: 'Error', code: 'ECONNREFUSED' } }, 'gone'],
      [{ err: { type: 'TypeError', code: undefined } }, 'gone'],
    ]);
    expect(log.mock.calls).toEqual([['back']]);
  });
});
