export const QUEUE_BOARD_PATH = '/admin/queues';
export const QUEUE_BOARD_COOKIE = 'queue_board_session';

const ATTRIBUTES = `Path=${QUEUE_BOARD_PATH}; HttpOnly; Secure; SameSite=Strict`;

/**
 * The board's cookie carries the admin's own access token, so every board request is checked
 * exactly like an API call: the token's signature and expiry, and that its session is still
 * active. Logging out (or revoking the session) ends the board too. `Path` keeps it off `/v1`.
 */
export const boardCookie = (accessToken: string, maxAgeSeconds: number): string =>
  `${QUEUE_BOARD_COOKIE}=${accessToken}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; ${ATTRIBUTES}`;

export const clearedBoardCookie = (): string => `${QUEUE_BOARD_COOKIE}=; Max-Age=0; ${ATTRIBUTES}`;

/** The token of the board cookie in a `Cookie` header, if there is one. */
export function boardCookieToken(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === QUEUE_BOARD_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9._-]{1,2048}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/** Seconds until a JWT's `exp` (already verified by the access guard); 0 when it has none. */
export function secondsLeft(jwt: string, nowMs = Date.now()): number {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as {
      exp?: unknown;
    };
    return typeof payload.exp === 'number' ? Math.max(0, payload.exp - nowMs / 1000) : 0;
  } catch {
    return 0;
  }
}
