/**
 * Gathers writes of one kind made while an earlier one is on its way, and sends them together
 * as one statement: under load a worker's concurrent jobs share round trips and commits; alone,
 * a write waits for nothing but the end of the current event-loop turn. Each caller's promise
 * settles with its own answer once the statement that carried its item has committed, or fails
 * with that statement.
 */
export class WriteCoalescer<I, O> {
  private queued: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  private draining = false;

  /** `write` answers one output per item, in their order; `max` items go in one statement. */
  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly max = 200,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // The items of the same turn (answers read from one socket buffer) go together.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queued.length > 0) {
      const batch = this.queued.splice(0, this.max);
      try {
        const answers = await this.write(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(answers[i]));
      } catch (e) {
        for (const b of batch) {
          b.reject(e);
        }
      }
    }
    this.draining = false;
  }
}
