/**
 * Lets at most `limit` calls run at once; the others wait here, in turn, rather than in the
 * server. A call waits for a slot `maxWaitMs` at most and then runs without one, so a call that
 * something holding a slot waits on (a transaction of this process) is delayed, never stuck.
 */
export class InFlightGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaitMs: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    const slot = await this.enter();
    try {
      return await work();
    } finally {
      if (slot) {
        this.leave();
      }
    }
  }

  /** True when the call holds a slot, false when it waited long enough to go without. */
  private enter(): Promise<boolean> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const handOver = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(handOver), 1);
        resolve(false);
      }, this.maxWaitMs);
      this.waiting.push(handOver);
    });
  }

  /** A freed slot goes to the first waiter, so the active count stays as it is. */
  private leave(): void {
    const next = this.waiting.shift();
    if (next) {
      next();
    } else {
      this.active--;
    }
  }
}
