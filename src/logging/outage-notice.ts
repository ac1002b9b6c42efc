import type { Logger } from '@nestjs/common';

/**
 * Tells the log once when a dependency becomes unreachable and once when it is back, however
 * many calls fail in between: a retry loop or busy traffic would otherwise repeat the line.
 */
export class OutageNotice {
  private down = false;

  constructor(
    private readonly logger: Pick<Logger, 'warn' | 'log'>,
    private readonly lostMessage: string,
    private readonly backMessage: string,
  ) {}

  /** A call failed for want of the dependency; only the error's kind is logged. */
  failed(error: unknown): void {
    if (!this.down) {
      this.down = true;
      const { name, code } = (error ?? {}) as Partial<NodeJS.ErrnoException>;
      this.logger.warn({ err: { type: name, code } }, this.lostMessage);
    }
  }

  /** A call reached the dependency. */
  reached(): void {
    if (this.down) {
      this.down = false;
      this.logger.log(this.backMessage);
    }
  }
}
