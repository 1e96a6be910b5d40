// Lookups by key made in the same turn of the event loop are answered together, by one load of all their
// keys: a POP3 login that asks for 100 messages at once costs one query, not 100.
export class Coalescer<K, V> {
  private pending: Map<K, Array<{ resolve(v: V | undefined): void; reject(e: unknown): void }>> | undefined;

  /** `load` answers for many keys at once; a key it leaves out gets undefined. */
  constructor(private readonly load: (keys: K[]) => Promise<Map<K, V>>) {}

  get(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      if (!this.pending) {
        this.pending = new Map();
        queueMicrotask(() => this.flush());
      }
      const waiting = this.pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
    });
  }

  private flush(): void {
    const batch = this.pending!;
    this.pending = undefined;
    let loading: Promise<Map<K, V>>;
    try {
      loading = this.load([...batch.keys()]);
    } catch (e) {
      loading = Promise.reject(e);
    }
    loading.then(
      (found) => {
        for (const [key, waiting] of batch) for (const w of waiting) w.resolve(found.get(key));
      },
      (e: unknown) => {
        for (const waiting of batch.values()) for (const w of waiting) w.reject(e);
      },
    );
  }
}
