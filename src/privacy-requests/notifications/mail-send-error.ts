/** Why a send failed, without the server's text (it can quote the address). */
export class MailSendError extends Error {
  constructor(
    readonly reason: string,
    readonly permanent: boolean,
  ) {
    super(reason);
    this.name = 'MailSendError';
  }

  static from(e: unknown): MailSendError {
    const err = e as { code?: unknown; responseCode?: unknown; name?: unknown };
    const code = typeof err.code === 'string' ? err.code : undefined;
    const status = typeof err.responseCode === 'number' ? err.responseCode : undefined;
    const reason = [code, status].filter((v) => v !== undefined).join(' ');
    // A 5xx answer is the server's final word on this message; anything else may pass later.
    return new MailSendError(
      reason || (typeof err.name === 'string' ? err.name : 'Error'),
      status !== undefined && status >= 500,
    );
  }
}
