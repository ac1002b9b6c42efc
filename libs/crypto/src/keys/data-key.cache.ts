/** Limits for cached unwrapped keys; whichever is reached first evicts the key. */
export interface DataKeyCacheLimits {
  readonly maxAgeMs: number;
  readonly maxUses: number;
  readonly maxEntries: number;
}

interface Entry {
  readonly key: Buffer;
  readonly expiresAt: number;
  usesLeft: number;
}

/**
 * Unwrapped data keys in memory, each with an age and a use budget. The cache owns the buffers it
 * is given and zeroes them on eviction, so callers use a returned key synchronously and never keep
 * it. When full, the oldest insertion goes first.
 */
export class DataKeyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly limits: DataKeyCacheLimits,
    private readonly now: () => number = Date.now,
    private readonly onEvict?: (id: string) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The key for `id`, charging `uses` uses; undefined (after eviction) when expired or used up. */
  take(id: string, uses = 1): Buffer | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) {
      return undefined;
    }
    if (entry.usesLeft < uses || this.now() >= entry.expiresAt) {
      this.evict(id);
      return undefined;
    }
    entry.usesLeft -= uses;
    return entry.key;
  }

  /** Stores `key` (ownership passes to the cache), replacing and zeroing any previous one. */
  put(id: string, key: Buffer): void {
    this.evict(id);
    while (this.entries.size >= this.limits.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) {
        break;
      }
      this.evict(oldest.value);
    }
    this.entries.set(id, {
      key,
      expiresAt: this.now() + this.limits.maxAgeMs,
      usesLeft: this.limits.maxUses,
    });
  }

  evict(id: string): void {
    const entry = this.entries.get(id);
    if (entry !== undefined) {
      entry.key.fill(0);
      this.entries.delete(id);
      this.onEvict?.(id);
    }
  }

  clear(): void {
    for (const id of [...this.entries.keys()]) {
      this.evict(id);
    }
  }
}
