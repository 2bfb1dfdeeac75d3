/**
 * {@link StixState} in a scratch SQLite database: the per-id entries and the associations made by
 * a STIX import kept on disk, so that a large bundle is imported in memory that does not grow with
 * the number of objects. Used by `importFile` for streamed bundles from 16 MiB on when better-sqlite3
 * (an optional peer) is installed; the import gives the same items and report as with the
 * in-memory state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import { requirePeer } from '../peers.js';
import { STORE_DIR_PREFIX, sweepStale } from '../batch/stale.js';
import type { IdEntry, StixState } from './stix.js';

/** Writes committed at a time (one transaction stays open between them). */
const WRITES_PER_COMMIT = 10_000;

/** Per-id entries and associations of a STIX import in a temporary SQLite file; {@link close} removes it. */
export class DiskStixState implements StixState {
  readonly #dir: string;
  readonly #db: Db;
  readonly #get: Statement<[string], { entry: string }>;
  readonly #set: Statement<[string, string]>;
  readonly #hasEdge: Statement<[string], { one: number }>;
  readonly #addEdge: Statement<[string]>;
  #writes = 0;

  /**
   * @throws MissingPeerError (`TCB_MISSING_PEER`) when better-sqlite3 is not installed
   */
  constructor() {
    const Database = requirePeer<typeof BetterSqlite3>('better-sqlite3', 'DiskStixState');
    sweepStale(tmpdir(), STORE_DIR_PREFIX);
    this.#dir = mkdtempSync(join(tmpdir(), `${STORE_DIR_PREFIX}${process.pid}-`));
    const db = new Database(join(this.#dir, 'stix-state.db'));
    this.#db = db;
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec('CREATE TABLE ids (id TEXT PRIMARY KEY, entry TEXT NOT NULL) WITHOUT ROWID; CREATE TABLE edges (key TEXT PRIMARY KEY) WITHOUT ROWID');
    this.#get = db.prepare('SELECT entry FROM ids WHERE id = ?');
    this.#set = db.prepare('INSERT OR REPLACE INTO ids (id, entry) VALUES (?, ?)');
    this.#hasEdge = db.prepare('SELECT 1 AS one FROM edges WHERE key = ?');
    this.#addEdge = db.prepare('INSERT OR IGNORE INTO edges (key) VALUES (?)');
    db.exec('BEGIN');
  }

  /** The entry of `id` (a copy: change it, then {@link set} it). */
  get(id: string): IdEntry | undefined {
    const row = this.#get.get(id);
    return row ? (JSON.parse(row.entry) as IdEntry) : undefined;
  }

  set(id: string, entry: IdEntry): void {
    this.#set.run(id, JSON.stringify(entry));
    this.#wrote();
  }

  hasEdge(key: string): boolean {
    return this.#hasEdge.get(key) !== undefined;
  }

  addEdge(key: string): void {
    this.#addEdge.run(key);
    this.#wrote();
  }

  /** Close the database and remove its file. */
  close(): void {
    if (!this.#db.open) return;
    if (this.#db.inTransaction) this.#db.exec('COMMIT');
    this.#db.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #wrote(): void {
    if (++this.#writes % WRITES_PER_COMMIT !== 0) return;
    this.#db.exec('COMMIT');
    this.#db.exec('BEGIN');
  }
}
