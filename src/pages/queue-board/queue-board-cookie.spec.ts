import {
  boardCookie,
  boardCookieToken,
  clearedBoardCookie,
  secondsLeft,
} from './queue-board-cookie';

const jwt = (payload: object): string =>
  ['e30', Buffer.from(JSON.stringify(payload)).toString('base64url'), 'sig'].join('.');

describe('queue board cookie', () => {
  it('is HttpOnly, Secure, SameSite=Strict and sent only to the board', () => {
    expect(boardCookie('a.b.c', 899.7)).toBe(
      'queue_board_session=a.b.c; Max-Age=899; Path=/admin/queues; HttpOnly; Secure; SameSite=Strict',
    );
  });

  it('is cleared with the same attributes and no value', () => {
    expect(clearedBoardCookie()).toBe(
      'queue_board_session=; Max-Age=0; Path=/admin/queues; HttpOnly; Secure; SameSite=Strict',
    );
  });

  it('is read from a Cookie header among others, and only in the shape of a token', () => {
    expect(boardCookieToken('a=1; queue_board_session=x.y-z_0; b=2')).toBe('x.y-z_0');
    expect(boardCookieToken('queue_board_session=bad value;')).toBeUndefined();
    expect(boardCookieToken('other_queue_board_session=x.y.z')).toBeUndefined();
    expect(boardCookieToken(undefined)).toBeUndefined();
  });

  it("lives as long as the token's remaining lifetime, never negative", () => {
    const now = 1_800_000_000_000;
    expect(secondsLeft(jwt({ exp: now / 1000 + 600 }), now)).toBe(600);
    expect(secondsLeft(jwt({ exp: now / 1000 - 5 }), now)).toBe(0);
    expect(secondsLeft(jwt({}), now)).toBe(0);
    expect(secondsLeft('not-a-jwt', now)).toBe(0);
  });
});
