/**
 * The submit ledger: an append-only record of every state change of every chunk of a submit, so
 * that a run killed at any point can be resumed without sending anything twice.
 *
 * Entries (one JSON object a line in the file backend, flushed to disk with fsync before the
 * orchestrator goes on): a run started (with its job config), a chunk built (index, sha256 of its
 * exact text, counts), all chunks built (their number), a job created (batch id), data uploaded, data refused, the Completed status,
 * the error records read, and each file upload. {@link replayLedger} folds them into what is known
 * of each chunk. The orchestrator only needs the small {@link Ledger} interface: a shared backend
 * for several workers can implement it later.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, readSync, fstatSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BatchStatus } from '../../generated/types/index.js';
import { TcBatchError } from '../errors.js';
import type { SubmitErrorRecord } from './errors.js';
import type { KindCounts } from './types.js';

/** One recorded state change. `chunk` is the 0-based chunk index. */
export type LedgerEntry =
  | { t: 'run'; v: 1; config: Record<string, string>; at: string }
  | { t: 'chunk'; chunk: number; sha256: string; counts: KindCounts; files: number }
  /** Every chunk of the batch was built: there are `chunks` in all. */
  | { t: 'built'; chunks: number }
  | { t: 'created'; chunk: number; batchId: number }
  | { t: 'uploaded'; chunk: number; batchId: number }
  | { t: 'refused'; chunk: number; batchId: number; status: number; message: string }
  | { t: 'status'; chunk: number; batchId: number; status: BatchStatus }
  | { t: 'errors'; chunk: number; batchId: number; records: SubmitErrorRecord[] }
  | { t: 'file'; chunk: number; xid: string; uploaded: boolean; status?: number; error?: string };

/** Where the ledger lives. Appends must be durable when the returned promise resolves. */
export interface Ledger {
  /** Every entry recorded so far (by earlier runs), in order. */
  read(): Promise<LedgerEntry[]>;
  /** Record one entry durably. */
  append(entry: LedgerEntry): Promise<void>;
  /** Release the backend (file handle, lock). */
  close(): Promise<void>;
}

/** What the ledger knows of one chunk. */
export interface ChunkRecord {
  sha256: string;
  counts: KindCounts;
  /** The job of the chunk, once created. */
  batchId?: number;
  /** The server has the chunk's data (upload answered, or the status said so). */
  uploaded: boolean;
  /** The server refused the data (HTTP status and message). */
  refused?: { status: number; message: string };
  /** The Completed status. */
  status?: BatchStatus;
  /** Error records, once read. */
  errors?: SubmitErrorRecord[];
  /** File uploads by group xid. */
  files: Map<string, { uploaded: boolean; status?: number; error?: string }>;
}

/** The ledger folded: the first run's job config and each chunk's record. */
export interface LedgerState {
  config: Record<string, string> | undefined;
  chunks: Map<number, ChunkRecord>;
  /** The number of chunks, once a run built them all. */
  built: number | undefined;
  runs: number;
}

/** Fold entries into what is known of each chunk (a later job for a chunk replaces an earlier one). */
export function replayLedger(entries: readonly LedgerEntry[]): LedgerState {
  const state: LedgerState = { config: undefined, chunks: new Map(), built: undefined, runs: 0 };
  for (const e of entries) {
    if (e.t === 'run') {
      state.config ??= e.config;
      state.runs++;
      continue;
    }
    if (e.t === 'built') {
      state.built ??= e.chunks;
      continue;
    }
    if (e.t === 'chunk') {
      if (!state.chunks.has(e.chunk)) state.chunks.set(e.chunk, { sha256: e.sha256, counts: e.counts, uploaded: false, files: new Map() });
      continue;
    }
    const rec = state.chunks.get(e.chunk);
    if (!rec) continue;
    switch (e.t) {
      case 'created':
        rec.batchId = e.batchId;
        rec.uploaded = false;
        delete rec.refused;
        delete rec.status;
        delete rec.errors;
        break;
      case 'uploaded':
        if (rec.batchId === e.batchId) rec.uploaded = true;
        break;
      case 'refused':
        if (rec.batchId === e.batchId) rec.refused = { status: e.status, message: e.message };
        break;
      case 'status':
        if (rec.batchId === e.batchId) {
          rec.uploaded = true;
          rec.status = e.status;
        }
        break;
      case 'errors':
        if (rec.batchId === e.batchId) rec.errors = e.records;
        break;
      case 'file':
        rec.files.set(e.xid, { uploaded: e.uploaded, ...(e.status !== undefined ? { status: e.status } : {}), ...(e.error !== undefined ? { error: e.error } : {}) });
        break;
    }
  }
  return state;
}

/** The journal cannot be used for this submit. */
export class JournalError extends TcBatchError {
  /** The journal file, when the backend is a file. */
  readonly path: string | undefined;
  constructor(code: 'TCB_JOURNAL_MISMATCH' | 'TCB_JOURNAL_LOCKED' | 'TCB_JOURNAL_IO', message: string, path?: string, cause?: unknown) {
    super(code, message, cause === undefined ? undefined : { cause });
    this.path = path;
  }
}

/** A ledger kept in memory: the default when no journal is given (nothing survives the process). */
export class MemoryLedger implements Ledger {
  readonly entries: LedgerEntry[] = [];
  async read(): Promise<LedgerEntry[]> {
    return this.entries.slice();
  }
  async append(entry: LedgerEntry): Promise<void> {
    this.entries.push(entry);
  }
  async close(): Promise<void> {}
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The file backend: JSON lines, each appended with `write` + `fsync` before `append` resolves. A
 * line torn by a crash is ignored when read (it was never acknowledged). `FILE.lock` (holding the
 * process id) keeps two live processes from writing one journal; a lock left by a killed process
 * is taken over.
 */
export class FileLedger implements Ledger {
  readonly path: string;
  #fd: number | undefined;
  readonly #lock: string;

  private constructor(path: string) {
    this.path = path;
    this.#lock = `${path}.lock`;
  }

  /**
   * Open (or create) the journal at `path` and take its lock.
   * @throws JournalError `TCB_JOURNAL_LOCKED` when a live process holds it; `TCB_JOURNAL_IO` when
   *   the file cannot be opened.
   */
  static open(path: string): FileLedger {
    const ledger = new FileLedger(path);
    ledger.#takeLock();
    try {
      const fresh = !existsSync(path);
      ledger.#fd = openSync(path, 'a+');
      const size = fstatSync(ledger.#fd).size;
      if (size > 0) {
        const last = Buffer.alloc(1);
        readSync(ledger.#fd, last, 0, 1, size - 1);
        if (last[0] !== 0x0a) writeSync(ledger.#fd, '\n');
      }
      if (fresh) syncDir(dirname(path));
    } catch (e) {
      ledger.#releaseLock();
      throw new JournalError('TCB_JOURNAL_IO', `cannot open the journal ${path}: ${(e as Error).message}`, path, e);
    }
    return ledger;
  }

  #takeLock(): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(this.#lock, String(process.pid), { flag: 'wx' });
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new JournalError('TCB_JOURNAL_IO', `cannot lock the journal ${this.path}: ${(e as Error).message}`, this.path, e);
        const holder = Number(readFileSync(this.#lock, 'utf8').trim());
        if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && pidAlive(holder)) {
          throw new JournalError('TCB_JOURNAL_LOCKED', `the journal ${this.path} is in use by process ${holder}`, this.path);
        }
        unlinkSync(this.#lock);
      }
    }
    throw new JournalError('TCB_JOURNAL_LOCKED', `the journal ${this.path} is locked (${this.#lock})`, this.path);
  }

  #releaseLock(): void {
    try {
      unlinkSync(this.#lock);
    } catch {
      // already gone
    }
  }

  async read(): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const e = JSON.parse(line) as LedgerEntry;
        if (e && typeof e === 'object' && typeof e.t === 'string') entries.push(e);
      } catch {
        // a line torn by a crash: never acknowledged, so nothing depended on it
      }
    }
    return entries;
  }

  async append(entry: LedgerEntry): Promise<void> {
    if (this.#fd === undefined) throw new JournalError('TCB_JOURNAL_IO', `the journal ${this.path} is closed`, this.path);
    try {
      writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(this.#fd);
    } catch (e) {
      throw new JournalError('TCB_JOURNAL_IO', `cannot write the journal ${this.path}: ${(e as Error).message}`, this.path, e);
    }
  }

  async close(): Promise<void> {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
    this.#releaseLock();
  }
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some file systems do not allow fsync on a directory
  }
}
