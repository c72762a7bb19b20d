// A small LRU cache whose entries expire (SPEC R27: the contact lookup caches positive and
// negative answers). A Map keeps insertion order, so the first key is the least recently used:
// a read deletes and re-inserts its key.

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/** A bounded least-recently-used cache with a time to live per entry. */
export class LruCache<K, V> {
  readonly #entries = new Map<K, Entry<V>>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  /**
   * @param options.maxEntries entries kept before the least recently used is dropped
   * @param options.now the clock, in milliseconds (tests pass their own)
   */
  constructor(options: { maxEntries: number; now?: () => number }) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new TypeError(`LruCache: maxEntries must be a positive integer, got ${String(options.maxEntries)}`);
    }
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  /** The live entry for `key` (marked most recently used), or `undefined` when absent or expired. */
  get(key: K): { value: V } | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.#now()) return undefined;
    this.#entries.set(key, entry);
    return { value: entry.value };
  }

  /** Stores `value` for `ttlMs` milliseconds; a TTL of 0 or less stores nothing. */
  set(key: K, value: V, ttlMs: number): void {
    this.#entries.delete(key);
    if (!(ttlMs > 0)) return;
    this.#entries.set(key, { value, expiresAt: this.#now() + ttlMs });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  /** Removes `key`. */
  delete(key: K): void {
    this.#entries.delete(key);
  }

  /** Removes every entry. */
  clear(): void {
    this.#entries.clear();
  }

  /** How many entries are held (expired ones included until they are read or pushed out). */
  get size(): number {
    return this.#entries.size;
  }
}
