/**
 * @internal SQLite helpers of the disk store (`disk-store.ts`): multi-row inserts and the exact xid
 * index. Not exported from the package (its declarations would need better-sqlite3's types, an
 * optional peer).
 */
import type { Database as Db, Statement } from 'better-sqlite3';
import { fmix32, hashPair } from './string-hash.js';

/**
 * A 52-bit hash of `s`, exact both as a JS number and as an SQLite INTEGER: the two 32-bit hashes
 * of {@link hashPair}, each finalised, 20 bits of the second above the first. Equal hashes are
 * confirmed against the xid.
 */
function hash52(s: string): number {
  hashPair(s, 0x811c9dc5, 0x050c5d1f, PAIR);
  return (fmix32(PAIR[1]!) & 0xfffff) * 0x1_0000_0000 + (fmix32(PAIR[0]!) >>> 0);
}

const PAIR = new Int32Array(2);

/** Rows per multi-row INSERT (SQLite binds at most 32,766 parameters per statement). */
const ROWS_PER_INSERT = 64;

/** An INSERT of one row and one of {@link ROWS_PER_INSERT} rows: `head` is `INSERT ... (cols) VALUES`. */
export interface Inserts {
  one: Statement;
  many: Statement;
  width: number;
}

/**
 * Prepare the one-row and the {@link ROWS_PER_INSERT}-row statements of an INSERT.
 * @param head `INSERT [OR ...] INTO table(cols) VALUES`
 * @param width the number of columns
 */
export function prepareInserts(db: Db, head: string, width: number): Inserts {
  const row = `(${Array(width).fill('?').join(', ')})`;
  return { one: db.prepare(`${head} ${row}`), many: db.prepare(`${head} ${Array(ROWS_PER_INSERT).fill(row).join(', ')}`), width };
}

/**
 * Insert `n` rows, {@link ROWS_PER_INSERT} per statement (a third less time per row than one
 * statement per row); `put(i, args, at)` writes the values of row `i` from `args[at]` on.
 */
export function insertRows(ins: Inserts, n: number, put: (i: number, args: unknown[], at: number) => void): void {
  const args = new Array<unknown>(ins.width * ROWS_PER_INSERT);
  let i = 0;
  for (; i + ROWS_PER_INSERT <= n; i += ROWS_PER_INSERT) {
    for (let j = 0; j < ROWS_PER_INSERT; j++) put(i + j, args, j * ins.width);
    ins.many.run(args);
  }
  const one = new Array<unknown>(ins.width);
  for (; i < n; i++) {
    put(i, one, 0);
    ins.one.run(one);
  }
}

/**
 * The exact xid -> seq index of one kind of a `DiskStore`: an in-memory map of
 * recent xids plus sorted runs on disk, keyed by a 52-bit hash of the xid (integer keys: records of
 * 16 bytes instead of 70, compared as numbers). A hash found in a run is confirmed by reading that
 * row's xid (`xidOf`), so equal hashes of different xids never mix items up.
 */
export class XidIndex {
  readonly #db: Db;
  readonly #prefix: string;
  readonly #runSize: number;
  readonly #xidOf: (seq: number) => string | undefined;
  readonly #hash: (xid: string) => number;
  #mem = new Map<string, number>();
  /** Sealed runs (each xid is in exactly one). */
  #runs: Array<{ name: string; level: number; get: Statement<[number], number> }> = [];
  #next = 0;

  /**
   * @param prefix of the run tables' names
   * @param runSize xids kept in memory before they are sealed into a run
   * @param xidOf the xid of the written row `seq`, or undefined (confirms a hash match)
   * @param hash the key of an xid (tests give one that collides)
   */
  constructor(db: Db, prefix: string, runSize: number, xidOf: (seq: number) => string | undefined, hash: (xid: string) => number = hash52) {
    this.#db = db;
    this.#prefix = prefix;
    this.#runSize = runSize;
    this.#xidOf = xidOf;
    this.#hash = hash;
  }

  add(xid: string, seq: number): void {
    this.#mem.set(xid, seq);
    if (this.#mem.size >= this.#runSize) this.#seal();
  }

  get(xid: string): number | undefined {
    const m = this.#mem.get(xid);
    if (m !== undefined) return m;
    if (this.#runs.length === 0) return undefined;
    const h = this.#hash(xid);
    for (const r of this.#runs) {
      for (const seq of r.get.all(h)) if (this.#xidOf(seq) === xid) return seq;
    }
    return undefined;
  }

  #table(level: number): { name: string; level: number; get: Statement<[number], number> } {
    const name = `${this.#prefix}_run${this.#next++}`;
    this.#db.exec(`CREATE TABLE ${name}(h INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (h, seq)) WITHOUT ROWID`);
    return { name, level, get: this.#db.prepare<[number], number>(`SELECT seq FROM ${name} WHERE h = ?`).pluck() };
  }

  #seal(): void {
    const n = this.#mem.size;
    const hs = new Float64Array(n);
    const seqs = new Float64Array(n);
    let k = 0;
    for (const [xid, seq] of this.#mem) {
      hs[k] = this.#hash(xid);
      seqs[k++] = seq;
    }
    const order = Uint32Array.from({ length: n }, (_, i) => i).sort((x, y) => hs[x]! - hs[y]! || seqs[x]! - seqs[y]!);
    const run = this.#table(0);
    const ins = prepareInserts(this.#db, `INSERT INTO ${run.name}(h, seq) VALUES`, 2);
    this.#db.transaction(() =>
      insertRows(ins, n, (i, args, at) => {
        args[at] = hs[order[i]!]!;
        args[at + 1] = seqs[order[i]!]!;
      }),
    )();
    this.#mem = new Map();
    this.#runs.push(run);
    // tiered merge: eight runs of one level become one run of the next
    for (let level = 0; ; level++) {
      const same = this.#runs.filter((r) => r.level === level);
      if (same.length < 8) break;
      const merged = this.#table(level + 1);
      const union = same.map((r) => `SELECT h, seq FROM ${r.name}`).join(' UNION ALL ');
      this.#db.transaction(() => {
        this.#db.exec(`INSERT INTO ${merged.name}(h, seq) ${union} ORDER BY h, seq`);
        for (const r of same) this.#db.exec(`DROP TABLE ${r.name}`);
      })();
      this.#runs = [...this.#runs.filter((r) => r.level !== level), merged]; // xids are unique across runs: order does not matter
    }
  }
}
