/**
 * Group commit: writes arriving while earlier ones are on their way to the database are sent
 * together, as one statement, when a slot frees. Under light load a write goes out at once (no
 * timer, no added latency); under heavy load batches grow by themselves, and the database pays
 * one round trip and one commit (one WAL flush) for many requests. Each caller's promise settles
 * only when the statement holding its item has returned — committed, when it ran outside a
 * transaction — so no one is told "saved" before their own row is durable.
 */
export interface GroupCommitOptions<I, O> {
  /**
   * Writes the items in one statement; answers one result per item, in the same order. Runs
   * outside any transaction, so its return means the rows are committed. When a batch fails,
   * each of its items is written again alone, so writing an item twice must change nothing more.
   */
  write(items: I[]): Promise<O[]>;
  /**
   * Items with the same key are never in the same batch nor in two batches at once, so writes
   * to one row keep their arrival order (an `UPDATE … FROM` updates a row once per statement).
   */
  key?(item: I): string;
  /** Items per statement at most. Default 500. */
  maxBatch?: number;
  /** Statements on their way at once (each holds a pool connection). Default 2. */
  maxInFlight?: number;
}

interface Waiting<I, O> {
  item: I;
  key: string | undefined;
  resolve(result: O): void;
  reject(error: unknown): void;
}

export class GroupCommit<I, O> {
  #queue: Waiting<I, O>[] = [];
  #inFlight = 0;
  readonly #busyKeys = new Set<string>();
  readonly #maxBatch: number;
  readonly #maxInFlight: number;

  constructor(private readonly options: GroupCommitOptions<I, O>) {
    this.#maxBatch = Math.max(1, options.maxBatch ?? 500);
    this.#maxInFlight = Math.max(1, options.maxInFlight ?? 2);
  }

  /** Items waiting for a slot (not counting those on their way). */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Writes `item` with whatever else is waiting; settles when its statement has returned. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, key: this.options.key?.(item), resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      const batch: Waiting<I, O>[] = [];
      const rest: Waiting<I, O>[] = [];
      const keys = new Set<string>();
      for (const waiting of this.#queue) {
        const { key } = waiting;
        const blocked = key !== undefined && (keys.has(key) || this.#busyKeys.has(key));
        if (blocked || batch.length >= this.#maxBatch) rest.push(waiting);
        else {
          batch.push(waiting);
          if (key !== undefined) keys.add(key);
        }
      }
      if (batch.length === 0) return; // everything waiting is behind a write to its own row
      this.#queue = rest;
      for (const key of keys) this.#busyKeys.add(key);
      this.#inFlight++;
      void this.#run(batch).finally(() => {
        this.#inFlight--;
        for (const key of keys) this.#busyKeys.delete(key);
        this.#pump();
      });
    }
  }

  async #run(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const results = await this.options.write(batch.map((w) => w.item));
      if (results.length !== batch.length)
        throw new Error(`A group commit wrote ${batch.length} items but answered ${results.length}.`);
      for (const [i, w] of batch.entries()) w.resolve(results[i]!);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One bad item must not fail the others: each is written again on its own.
      await Promise.all(
        batch.map(async (w) => {
          try {
            const [result] = await this.options.write([w.item]);
            w.resolve(result!);
          } catch (alone) {
            w.reject(alone);
          }
        }),
      );
    }
  }
}
