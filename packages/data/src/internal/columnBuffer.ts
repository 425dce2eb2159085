import type { ColumnType } from '../columns.js';

/** Storage of one column in a {@link ColumnBatch}: Float64Array for numbers, Uint8Array (0/1) for booleans, strings as an array. */
export type ColumnStorage = Float64Array | Uint8Array | string[];

/** Growable per-column storage for the rows of one chunk; `take()` hands the filled part over. */
export class ColumnBuffer {
  length = 0;
  private capacity = 1024;
  private readonly stores: ColumnStorage[];

  constructor(private readonly types: readonly ColumnType[]) {
    this.stores = types.map((type) => allocate(type, this.capacity));
  }

  /** Makes room for one more row and returns its index. */
  next(): number {
    if (this.length === this.capacity) {
      this.capacity *= 2;
      this.stores.forEach((store, k) => {
        const grown = allocate(this.types[k], this.capacity);
        if (Array.isArray(grown)) for (let i = 0; i < this.length; i++) grown[i] = (store as string[])[i];
        else grown.set(store as Float64Array & Uint8Array);
        this.stores[k] = grown;
      });
    }
    return this.length;
  }

  /** Stores a converted value at row `row` of column `k`. */
  set(k: number, row: number, value: number | string | boolean): void {
    const store = this.stores[k];
    if (Array.isArray(store)) store[row] = value as string;
    else store[row] = value === true ? 1 : value === false ? 0 : (value as number);
  }

  /** Commits the row being written. */
  commit(): void {
    this.length++;
  }

  /** The filled columns (trimmed), leaving the buffer empty with fresh storage. */
  take(): ColumnStorage[] {
    const out = this.stores.map((store) => (Array.isArray(store) ? store.slice(0, this.length) : store.slice(0, this.length)));
    this.length = 0;
    return out;
  }
}

function allocate(type: ColumnType, capacity: number): ColumnStorage {
  if (type === 'string') return new Array<string>(capacity);
  if (type === 'boolean') return new Uint8Array(capacity);
  return new Float64Array(capacity);
}
