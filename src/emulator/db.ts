/**
 * Opens the emulator's SQLite database (better-sqlite3) and creates its tables. A file database
 * keeps everything across restarts; `:memory:` lives as long as the server.
 */
import type Database from 'better-sqlite3';
import { requirePeer } from '../peers.js';
import { EMULATOR } from './peers.js';

/** The SQLite handle type used by the store. */
export type Db = Database.Database;

/** Table definitions. Metadata lists and free fields are JSON text columns. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS owners (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, type TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, config TEXT NOT NULL, phase TEXT NOT NULL,
  content BLOB, polls INTEGER NOT NULL DEFAULT 0, result TEXT, stuck INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS job_errors (
  job_id INTEGER NOT NULL, seq INTEGER NOT NULL, code TEXT NOT NULL, severity TEXT NOT NULL,
  reason TEXT NOT NULL, source TEXT, message TEXT NOT NULL, PRIMARY KEY (job_id, seq));
CREATE TABLE IF NOT EXISTS groups (
  id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, xid TEXT NOT NULL, type TEXT NOT NULL, name TEXT NOT NULL,
  fields TEXT NOT NULL, attributes TEXT NOT NULL, tags TEXT NOT NULL, labels TEXT NOT NULL,
  date_added TEXT NOT NULL, last_modified TEXT NOT NULL, mod_seq INTEGER NOT NULL, UNIQUE (owner, xid));
CREATE TABLE IF NOT EXISTS indicators (
  id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, type TEXT NOT NULL, summary TEXT NOT NULL, vals TEXT NOT NULL,
  fields TEXT NOT NULL, attributes TEXT NOT NULL, tags TEXT NOT NULL, labels TEXT NOT NULL,
  date_added TEXT NOT NULL, last_modified TEXT NOT NULL, mod_seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS indicator_keys (
  owner TEXT NOT NULL, type TEXT NOT NULL, key TEXT NOT NULL, indicator_id INTEGER NOT NULL, PRIMARY KEY (owner, type, key));
CREATE INDEX IF NOT EXISTS indicator_keys_by_id ON indicator_keys (indicator_id);
CREATE TABLE IF NOT EXISTS associations (
  owner TEXT NOT NULL, kind1 TEXT NOT NULL, id1 INTEGER NOT NULL, kind2 TEXT NOT NULL, id2 INTEGER NOT NULL,
  assoc_type TEXT NOT NULL, PRIMARY KEY (owner, kind1, id1, kind2, id2, assoc_type));
CREATE INDEX IF NOT EXISTS associations_by_1 ON associations (kind1, id1);
CREATE INDEX IF NOT EXISTS associations_by_2 ON associations (kind2, id2);
CREATE TABLE IF NOT EXISTS files (group_id INTEGER PRIMARY KEY, bytes BLOB NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

/** Job columns added after the first release; a database from an older emulator gets them on open. */
const JOB_COLUMNS: Record<string, string> = {
  user_name: "TEXT NOT NULL DEFAULT ''",
  uploaded_at: 'TEXT',
  started_at: 'TEXT',
  completed_at: 'TEXT',
};

/** Error record columns added later. */
const ERROR_COLUMNS: Record<string, string> = { cause: 'TEXT' };

function addMissingColumns(db: Db): void {
  for (const [table, columns] of [['jobs', JOB_COLUMNS], ['job_errors', ERROR_COLUMNS]] as const) {
    const have = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name));
    for (const [name, type] of Object.entries(columns)) if (!have.has(name)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`);
  }
}

/**
 * Open (and create if needed) the database.
 *
 * @param file a path or `:memory:`
 * @returns the handle, in WAL mode for files
 * @throws MissingPeerError (`TCB_MISSING_PEER`) when better-sqlite3 (an optional peer dependency)
 *   is not installed; the better-sqlite3 error when the file cannot be opened
 */
export function openDb(file: string): Db {
  const Sqlite = requirePeer<typeof Database>('better-sqlite3', EMULATOR);
  const db = new Sqlite(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = OFF');
  db.exec(SCHEMA);
  addMissingColumns(db);
  return db;
}
