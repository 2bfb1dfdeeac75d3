/**
 * The emulator's state in SQLite: owners, jobs with their error records, groups, indicators (with
 * their identity keys), associations and uploaded files. Only storage: the rules of ThreatConnect
 * live in the processor; this module never decides what is valid.
 */
import { openDb, type Db } from './db.js';
import type { Statement } from 'better-sqlite3';

/** An attribute as stored (the batch JSON object: `type`, `value`, `displayed`, ...). */
export type Attribute = { type: string; value: string } & Record<string, unknown>;
/** A tag as stored. */
export type Tag = { name: string };
/** A security label as stored (`color`, `description` when given). */
export type Label = { name: string } & Record<string, unknown>;

/** Metadata shared by stored groups and indicators. */
export interface StoredItemBase {
  id: number;
  owner: string;
  type: string;
  /** Every other field of the batch item (e.g. `rating`, `eventDate`). */
  fields: Record<string, unknown>;
  attributes: Attribute[];
  tags: Tag[];
  labels: Label[];
  /** ISO-8601 UTC. */
  dateAdded: string;
  /** ISO-8601 UTC. */
  lastModified: string;
  /** Increases on every write; "most recently modified" compares this (ThreatConnect's V2 Batch API page). */
  modSeq: number;
}

/** A stored group: unique per owner + xid (ThreatConnect's V2 Batch API page). */
export interface StoredGroup extends StoredItemBase {
  kind: 'group';
  xid: string;
  name: string;
}

/** A stored indicator: unique per owner + type + identity key (ThreatConnect's V2 Batch API page). */
export interface StoredIndicator extends StoredItemBase {
  kind: 'indicator';
  summary: string;
  /** Value slots in catalogue order (`null` for an empty File hash slot). */
  values: Array<string | null>;
}

/** Reference to a stored item. */
export interface ItemRef {
  kind: 'group' | 'indicator';
  id: number;
}

/** One association as stored: the other end and the association type (`''` when none). */
export interface AssociationRow {
  other: ItemRef;
  associationType: string;
}

/** Job phases (ThreatConnect's V2 Batch API page). */
export type JobPhase = 'Created' | 'Queued' | 'Running' | 'Completed';

/** Counts of a processed job (ThreatConnect's V2 Batch API page). */
export interface JobCounts {
  successCount: number;
  errorCount: number;
  unprocessCount: number;
  successIndicatorCount: number;
  errorIndicatorCount: number;
  successGroupCount: number;
  errorGroupCount: number;
  successAssociationCount: number;
  errorAssociationCount: number;
}

/** A stored job. */
export interface StoredJob {
  id: number;
  owner: string;
  /** The job config as sent (already validated). */
  config: Record<string, unknown>;
  phase: JobPhase;
  /** Uploaded content until it is processed, then `null`. */
  content: Buffer | null;
  /** Status polls since the upload. */
  polls: number;
  /** Set once processing finished. */
  counts: JobCounts | null;
  stuck: boolean;
  /** The user that created the job (`''` when users are not configured). */
  user: string;
}

/** What the emulator knows about one job: for tests (every id issued, whether data came) and the console. */
export interface JobSummary {
  id: number;
  owner: string;
  /** The user that created the job (`''` when users are not configured). */
  user: string;
  /** The real phase (status polls with `pollsPerState` may still answer an earlier one). */
  status: JobPhase;
  /** Whether data was uploaded to the job. */
  uploaded: boolean;
  /** The job config as sent. */
  config: Record<string, unknown>;
  /** Counts once processed, else `null`. */
  counts: JobCounts | null;
  /** ISO-8601 UTC time stamps; `null` until the job got there. */
  createdAt: string;
  uploadedAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
}

/** One error record of a job (ThreatConnect's V2 Batch API page). */
export interface ErrorRecord {
  /** `0x1005`. */
  code: string;
  /** `Error`, `Warning` or `Info`. */
  severity: string;
  /** `Error (0x1005): ...`. */
  errorReason: string;
  /** `<item> is not valid.`, when an item is known. */
  errorSource?: string;
  /** The text without the `Error (0x....): ` prefix (and without an exception text). */
  errorMessage: string;
  /** What went wrong: the exception text or the reason in a few words (`errorReason` of `/results`). */
  cause?: string;
}

type Row = Record<string, unknown>;

/**
 * Repository over the SQLite database. All methods are synchronous (better-sqlite3).
 * Construct with {@link Store.open}.
 */
export class Store {
  private readonly db: Db;
  private readonly st = new Map<string, Statement>();
  private seq: number;

  private constructor(db: Db) {
    this.db = db;
    const row = db.prepare(`SELECT value FROM counters WHERE name = 'mod_seq'`).get() as Row | undefined;
    this.seq = row ? Number(row.value) : 0;
  }

  /**
   * Open a store.
   *
   * @param file SQLite path or `:memory:`
   * @throws the better-sqlite3 error when the file cannot be opened
   */
  static open(file: string): Store {
    return new Store(openDb(file));
  }

  /** Close the database; the store is unusable afterwards. */
  close(): void {
    this.db.prepare(`INSERT INTO counters (name, value) VALUES ('mod_seq', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value`).run(this.seq);
    this.db.close();
  }

  /** Run `fn` in one transaction (rolled back if it throws). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  private q(sql: string): Statement {
    let s = this.st.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.st.set(sql, s);
    }
    return s;
  }

  private nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  // ---- owners -------------------------------------------------------------------------------

  /** Add owners that are not known yet (by name); existing ones keep their id. */
  ensureOwners(owners: ReadonlyArray<{ name: string; type: string }>): void {
    for (const o of owners) this.q('INSERT OR IGNORE INTO owners (name, type) VALUES (?, ?)').run(o.name, o.type);
  }

  /** Every owner, by id. */
  listOwners(): Array<{ id: number; name: string; type: string }> {
    return this.q('SELECT id, name, type FROM owners ORDER BY id').all() as Array<{ id: number; name: string; type: string }>;
  }

  /** The owner with this exact name, if any. */
  owner(name: string): { id: number; name: string; type: string } | undefined {
    return this.q('SELECT id, name, type FROM owners WHERE name = ?').get(name) as { id: number; name: string; type: string } | undefined;
  }

  // ---- jobs ---------------------------------------------------------------------------------

  /** Create a job in phase Created; returns its id. */
  createJob(owner: string, config: Record<string, unknown>, createdAt: string, user = ''): number {
    const r = this.q(`INSERT INTO jobs (owner, config, phase, created_at, user_name) VALUES (?, ?, 'Created', ?, ?)`).run(owner, JSON.stringify(config), createdAt, user);
    return Number(r.lastInsertRowid);
  }

  /** Every job, newest first; with `user`, only that user's jobs and those of a database from before users. */
  listJobs(user?: string): JobSummary[] {
    const cols = 'id, owner, user_name, config, phase, result, created_at, uploaded_at, started_at, completed_at';
    const rows = (
      user === undefined
        ? this.q(`SELECT ${cols} FROM jobs ORDER BY id DESC`).all()
        : this.q(`SELECT ${cols} FROM jobs WHERE user_name = ? OR user_name = '' ORDER BY id DESC`).all(user)
    ) as Row[];
    return rows.map((r) => ({
      id: Number(r.id),
      owner: String(r.owner),
      user: String(r.user_name),
      status: r.phase as JobPhase,
      uploaded: r.uploaded_at !== null || r.phase !== 'Created',
      config: JSON.parse(String(r.config)) as Record<string, unknown>,
      counts: r.result ? (JSON.parse(String(r.result)) as JobCounts) : null,
      createdAt: String(r.created_at),
      uploadedAt: (r.uploaded_at as string | null) ?? null,
      startedAt: (r.started_at as string | null) ?? null,
      completedAt: (r.completed_at as string | null) ?? null,
    }));
  }

  /** A job by id. */
  job(id: number): StoredJob | undefined {
    const r = this.q('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return r ? toJob(r) : undefined;
  }

  /** Store the uploaded content and move the job to Queued. */
  queueJob(id: number, content: Buffer, stuck: boolean, at: string): void {
    this.q(`UPDATE jobs SET content = ?, phase = 'Queued', polls = 0, stuck = ?, uploaded_at = ? WHERE id = ?`).run(content, stuck ? 1 : 0, at, id);
  }

  /** Set a job's phase; `at` is recorded as the time it started (Running) or completed (Completed). */
  setPhase(id: number, phase: JobPhase, at: string): void {
    const column = phase === 'Running' ? 'started_at' : phase === 'Completed' ? 'completed_at' : undefined;
    if (column) this.q(`UPDATE jobs SET phase = ?, ${column} = ? WHERE id = ?`).run(phase, at, id);
    else this.q('UPDATE jobs SET phase = ? WHERE id = ?').run(phase, id);
  }

  /** Count one status poll; returns the poll count before this one. */
  countPoll(id: number): number {
    const r = this.q('UPDATE jobs SET polls = polls + 1 WHERE id = ? RETURNING polls').get(id) as Row;
    return Number(r.polls) - 1;
  }

  /** Store the outcome of processing: counts, error records; drops the content. */
  saveResult(id: number, counts: JobCounts, errors: readonly ErrorRecord[]): void {
    this.q('UPDATE jobs SET result = ?, content = NULL WHERE id = ?').run(JSON.stringify(counts), id);
    const ins = this.q('INSERT INTO job_errors (job_id, seq, code, severity, reason, source, message, cause) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    errors.forEach((e, i) => ins.run(id, i, e.code, e.severity, e.errorReason, e.errorSource ?? null, e.errorMessage, e.cause ?? null));
  }

  /** A job's error records in order. */
  jobErrors(id: number): ErrorRecord[] {
    const rows = this.q('SELECT code, severity, reason, source, message, cause FROM job_errors WHERE job_id = ? ORDER BY seq').all(id) as Row[];
    return rows.map((r) => {
      const e: ErrorRecord = { code: String(r.code), severity: String(r.severity), errorReason: String(r.reason), errorMessage: String(r.message) };
      if (r.source !== null) e.errorSource = String(r.source);
      if (r.cause !== null && r.cause !== undefined) e.cause = String(r.cause);
      return e;
    });
  }

  /** Jobs that were queued or running when the server stopped. */
  unfinishedJobs(): StoredJob[] {
    return (this.q(`SELECT * FROM jobs WHERE phase IN ('Queued', 'Running')`).all() as Row[]).map(toJob);
  }

  // ---- groups -------------------------------------------------------------------------------

  /** The group with this owner and xid. */
  group(owner: string, xid: string): StoredGroup | undefined {
    const r = this.q('SELECT * FROM groups WHERE owner = ? AND xid = ?').get(owner, xid) as Row | undefined;
    return r ? toGroup(r) : undefined;
  }

  /** A group by id (optionally only within an owner). */
  groupById(id: number, owner?: string): StoredGroup | undefined {
    const r = this.q('SELECT * FROM groups WHERE id = ?').get(id) as Row | undefined;
    return r && (owner === undefined || r.owner === owner) ? toGroup(r) : undefined;
  }

  /** Insert or update a group (by `id`; `id` 0 inserts); returns the id. Sets `modSeq`. */
  saveGroup(g: Omit<StoredGroup, 'modSeq' | 'kind'>): number {
    const seq = this.nextSeq();
    const json = [JSON.stringify(g.fields), JSON.stringify(g.attributes), JSON.stringify(g.tags), JSON.stringify(g.labels)];
    if (g.id === 0) {
      const r = this.q(
        `INSERT INTO groups (owner, xid, type, name, fields, attributes, tags, labels, date_added, last_modified, mod_seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(g.owner, g.xid, g.type, g.name, ...json, g.dateAdded, g.lastModified, seq);
      return Number(r.lastInsertRowid);
    }
    this.q(
      `UPDATE groups SET type = ?, name = ?, fields = ?, attributes = ?, tags = ?, labels = ?, last_modified = ?, mod_seq = ? WHERE id = ?`,
    ).run(g.type, g.name, ...json, g.lastModified, seq, g.id);
    return g.id;
  }

  /** Delete a group, its associations and its file. */
  deleteGroup(id: number): void {
    this.q('DELETE FROM groups WHERE id = ?').run(id);
    this.q('DELETE FROM files WHERE group_id = ?').run(id);
    this.removeAssociationsOf({ kind: 'group', id });
  }

  /** Groups of an owner by id, `limit` from position `start`. */
  listGroups(owner: string, start: number, limit: number): StoredGroup[] {
    return (this.q('SELECT * FROM groups WHERE owner = ? ORDER BY id LIMIT ? OFFSET ?').all(owner, limit, start) as Row[]).map(toGroup);
  }

  /** Number of groups in an owner. */
  countGroups(owner: string): number {
    return Number((this.q('SELECT COUNT(*) AS n FROM groups WHERE owner = ?').get(owner) as Row).n);
  }

  // ---- indicators ---------------------------------------------------------------------------

  /** Indicators of an owner by id, `limit` from position `start`. */
  listIndicators(owner: string, start: number, limit: number): StoredIndicator[] {
    return (this.q('SELECT * FROM indicators WHERE owner = ? ORDER BY id LIMIT ? OFFSET ?').all(owner, limit, start) as Row[]).map(toIndicator);
  }

  /** Number of indicators in an owner. */
  countIndicators(owner: string): number {
    return Number((this.q('SELECT COUNT(*) AS n FROM indicators WHERE owner = ?').get(owner) as Row).n);
  }

  /** Id of the indicator with this identity key in the owner. */
  indicatorIdByKey(owner: string, type: string, key: string): number | undefined {
    const r = this.q('SELECT indicator_id FROM indicator_keys WHERE owner = ? AND type = ? AND key = ?').get(owner, type, key) as Row | undefined;
    return r ? Number(r.indicator_id) : undefined;
  }

  /** An indicator by id (optionally only within an owner). */
  indicatorById(id: number, owner?: string): StoredIndicator | undefined {
    const r = this.q('SELECT * FROM indicators WHERE id = ?').get(id) as Row | undefined;
    return r && (owner === undefined || r.owner === owner) ? toIndicator(r) : undefined;
  }

  /**
   * Insert or update an indicator (by `id`; 0 inserts) and replace its identity keys.
   *
   * @returns the id
   */
  saveIndicator(i: Omit<StoredIndicator, 'modSeq' | 'kind'>, keys: readonly string[]): number {
    const seq = this.nextSeq();
    const json = [JSON.stringify(i.values), JSON.stringify(i.fields), JSON.stringify(i.attributes), JSON.stringify(i.tags), JSON.stringify(i.labels)];
    let id = i.id;
    if (id === 0) {
      const r = this.q(
        `INSERT INTO indicators (owner, type, summary, vals, fields, attributes, tags, labels, date_added, last_modified, mod_seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(i.owner, i.type, i.summary, ...json, i.dateAdded, i.lastModified, seq);
      id = Number(r.lastInsertRowid);
    } else {
      this.q(
        `UPDATE indicators SET summary = ?, vals = ?, fields = ?, attributes = ?, tags = ?, labels = ?, last_modified = ?, mod_seq = ? WHERE id = ?`,
      ).run(i.summary, ...json, i.lastModified, seq, id);
      this.q('DELETE FROM indicator_keys WHERE indicator_id = ?').run(id);
    }
    const ins = this.q('INSERT OR REPLACE INTO indicator_keys (owner, type, key, indicator_id) VALUES (?, ?, ?, ?)');
    for (const k of keys) ins.run(i.owner, i.type, k, id);
    return id;
  }

  /** Delete an indicator, its keys and associations. */
  deleteIndicator(id: number): void {
    this.q('DELETE FROM indicators WHERE id = ?').run(id);
    this.q('DELETE FROM indicator_keys WHERE indicator_id = ?').run(id);
    this.removeAssociationsOf({ kind: 'indicator', id });
  }

  // ---- associations -------------------------------------------------------------------------

  /** Link two items (idempotent). Stored once, in a canonical order. */
  associate(owner: string, a: ItemRef, b: ItemRef, associationType = ''): void {
    const [x, y] = order(a, b);
    this.q('INSERT OR IGNORE INTO associations (owner, kind1, id1, kind2, id2, assoc_type) VALUES (?, ?, ?, ?, ?, ?)').run(
      owner, x.kind, x.id, y.kind, y.id, associationType,
    );
  }

  /** Remove the link(s) between two items; returns how many were removed. */
  dissociate(a: ItemRef, b: ItemRef): number {
    const [x, y] = order(a, b);
    return this.q('DELETE FROM associations WHERE kind1 = ? AND id1 = ? AND kind2 = ? AND id2 = ?').run(x.kind, x.id, y.kind, y.id).changes;
  }

  /** Every item linked to `r`. */
  associationsOf(r: ItemRef): AssociationRow[] {
    const rows = this.q(
      `SELECT kind2 AS k, id2 AS i, assoc_type AS t FROM associations WHERE kind1 = ? AND id1 = ?
       UNION ALL SELECT kind1, id1, assoc_type FROM associations WHERE kind2 = ? AND id2 = ?`,
    ).all(r.kind, r.id, r.kind, r.id) as Row[];
    return rows.map((x) => ({ other: { kind: x.k as ItemRef['kind'], id: Number(x.i) }, associationType: String(x.t) }));
  }

  /** Remove every link of `r`. */
  removeAssociationsOf(r: ItemRef): void {
    this.q('DELETE FROM associations WHERE (kind1 = ? AND id1 = ?) OR (kind2 = ? AND id2 = ?)').run(r.kind, r.id, r.kind, r.id);
  }

  // ---- files --------------------------------------------------------------------------------

  /** Store (or replace) a group's file. */
  putFile(groupId: number, bytes: Buffer, at: string): void {
    this.q('INSERT OR REPLACE INTO files (group_id, bytes, updated_at) VALUES (?, ?, ?)').run(groupId, bytes, at);
  }

  /** A group's file, if uploaded. */
  file(groupId: number): Buffer | undefined {
    const r = this.q('SELECT bytes FROM files WHERE group_id = ?').get(groupId) as Row | undefined;
    return r ? (r.bytes as Buffer) : undefined;
  }
}

function order(a: ItemRef, b: ItemRef): [ItemRef, ItemRef] {
  const ka = `${a.kind}:${String(a.id).padStart(12, '0')}`;
  const kb = `${b.kind}:${String(b.id).padStart(12, '0')}`;
  return ka <= kb ? [a, b] : [b, a];
}

function toJob(r: Row): StoredJob {
  return {
    id: Number(r.id),
    owner: String(r.owner),
    config: JSON.parse(String(r.config)) as Record<string, unknown>,
    phase: r.phase as JobPhase,
    content: (r.content as Buffer | null) ?? null,
    polls: Number(r.polls),
    counts: r.result ? (JSON.parse(String(r.result)) as JobCounts) : null,
    stuck: r.stuck === 1,
    user: String(r.user_name ?? ''),
  };
}

function base(r: Row): Omit<StoredItemBase, 'type'> {
  return {
    id: Number(r.id),
    owner: String(r.owner),
    fields: JSON.parse(String(r.fields)) as Record<string, unknown>,
    attributes: JSON.parse(String(r.attributes)) as Attribute[],
    tags: JSON.parse(String(r.tags)) as Tag[],
    labels: JSON.parse(String(r.labels)) as Label[],
    dateAdded: String(r.date_added),
    lastModified: String(r.last_modified),
    modSeq: Number(r.mod_seq),
  };
}

function toGroup(r: Row): StoredGroup {
  return { kind: 'group', ...base(r), type: String(r.type), xid: String(r.xid), name: String(r.name) };
}

function toIndicator(r: Row): StoredIndicator {
  return {
    kind: 'indicator',
    ...base(r),
    type: String(r.type),
    summary: String(r.summary),
    values: JSON.parse(String(r.vals)) as Array<string | null>,
  };
}
