/** Timestamps per key within the last `spanMs`, with a bounded number of keys. */
export class SlidingWindows<V = true> {
  private readonly entries = new Map<string, Array<{ at: number; value: V }>>();

  constructor(
    private readonly spanMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Adds one entry and returns the key's entries still within the window. */
  add(key: string, at: number, value: V): Array<{ at: number; value: V }> {
    let list = this.entries.get(key);
    if (!list) {
      if (this.entries.size >= this.maxKeys) {
        this.prune(at);
      }
      list = [];
      this.entries.set(key, list);
    }
    list.push({ at, value });
    const from = at - this.spanMs;
    let drop = 0;
    while (drop < list.length && list[drop].at <= from) {
      drop += 1;
    }
    if (drop > 0) {
      list.splice(0, drop);
    }
    return list;
  }

  private prune(now: number): void {
    for (const [key, list] of this.entries) {
      if (list.length === 0 || list[list.length - 1].at <= now - this.spanMs) {
        this.entries.delete(key);
      }
    }
    if (this.entries.size >= this.maxKeys) {
      this.entries.clear();
    }
  }
}

/** Remembers when an alert was raised per subject, so one burst raises one alert. */
export class Cooldowns {
  private readonly until = new Map<string, number>();

  constructor(private readonly spanMs: number) {}

  /** True (and starts the cooldown) when `key` may raise now. */
  take(key: string, at: number): boolean {
    const until = this.until.get(key);
    if (until !== undefined && at < until) {
      return false;
    }
    if (this.until.size >= 100_000) {
      this.until.clear();
    }
    this.until.set(key, at + this.spanMs);
    return true;
  }
}
