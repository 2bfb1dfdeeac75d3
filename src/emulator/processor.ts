/**
 * Processes one uploaded batch file with ThreatConnect's semantics (ThreatConnect's V2 Batch API page): parse,
 * groups first, then indicators (at most `indicatorLimit`), then the associations named inside
 * items, then the `association` array; per-item error records; `haltOnError` stops at the first
 * error and leaves the rest unprocessed. Everything runs in one SQLite transaction.
 */
import { applyEntry, applyPending } from './associations.js';
import { TcBatchError } from '../errors.js';
import type { JobConfig } from './config.js';
import { FatalItemError, type ItemOutcome, type JobContext, type PendingAssociation } from './context.js';
import { applyGroup } from './groups.js';
import { applyIndicator } from './indicators.js';
import * as rec from './records.js';
import type { ErrorRecord, JobCounts, Store } from './store.js';
import { BUILT_IN_TYPES, type TypeLookup } from '../batch/types.js';

/** Input of {@link processJob}. */
export interface ProcessInput {
  store: Store;
  owner: string;
  config: JobConfig;
  /** The uploaded bytes (UTF-8 JSON). */
  content: Buffer;
  /** Indicators allowed per job (ThreatConnect's V2 Batch API page). */
  indicatorLimit: number;
  /** ISO-8601 time stamp for changed items. */
  now: string;
  /** The indicator types accepted (built-in and custom); default the built-in ones. */
  types?: TypeLookup;
}

/** Counts and error records of a processed job (ThreatConnect's V2 Batch API page). */
export interface ProcessOutput {
  counts: JobCounts;
  errors: ErrorRecord[];
}

/** Thrown to stop processing a job after a fatal error; never leaves the processor. */
class Halt extends TcBatchError {
  constructor() {
    super('TCE_HALTED', 'processing halted');
  }
}

/** Counters of one run. */
class Tally {
  readonly errors: ErrorRecord[] = [];
  successGroupCount = 0;
  errorGroupCount = 0;
  successIndicatorCount = 0;
  errorIndicatorCount = 0;
  successAssociationCount = 0;
  errorAssociationCount = 0;
  /** Groups, indicators and association entries reached (processed or failed). */
  reached = 0;

  constructor(private readonly halt: boolean) {}

  /** Record an error; stops the run when haltOnError is set. */
  error(r: ErrorRecord): void {
    this.errors.push(r);
    if (this.halt) throw new Halt();
  }

  counts(total: number): JobCounts {
    return {
      successCount: this.successGroupCount + this.successIndicatorCount,
      errorCount: this.errors.length,
      unprocessCount: Math.max(0, total - this.reached),
      successIndicatorCount: this.successIndicatorCount,
      errorIndicatorCount: this.errorIndicatorCount,
      successGroupCount: this.successGroupCount,
      errorGroupCount: this.errorGroupCount,
      successAssociationCount: this.successAssociationCount,
      errorAssociationCount: this.errorAssociationCount,
    };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Split the parsed file into its arrays (V1: a bare indicator array; ThreatConnect's V2 Batch API page). */
function sections(doc: unknown): { group: unknown[]; indicator: unknown[]; association: unknown[] } | ErrorRecord {
  if (Array.isArray(doc)) return { group: [], indicator: doc, association: [] };
  if (!isObject(doc)) return rec.jsonSyntax(`java.lang.IllegalStateException: Not a JSON Object: ${preview(doc)}`);
  const out = { group: [] as unknown[], indicator: [] as unknown[], association: [] as unknown[] };
  for (const k of ['group', 'indicator', 'association'] as const) {
    const v = doc[k];
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v))
      return rec.jsonSyntax(`java.lang.IllegalStateException: Not a JSON Array: ${preview(v)}`, `'$.${k}'`);
    out[k] = v;
  }
  return out;
}

/** Items handled between two yields of {@link processSteps} (one SQLite transaction each). */
export const SLICE_ITEMS = 200;

/** Where the run was when something unexpected was thrown, for the 0x1003 record's JSON path. */
interface Position {
  section: 'group' | 'indicator' | 'association' | '';
  index: number;
}

/**
 * Process a job's content step by step: a generator that yields after every `sliceItems` items,
 * so that a runner can commit a transaction per slice and serve requests (and other jobs) between
 * slices. The first step parses the file.
 *
 * Counting (ThreatConnect's V2 Batch API page): `successCount` = groups + indicators
 * stored; `errorCount` = error records (items, associations, and a job-level 0x1003/0x1008);
 * `unprocessCount` = groups, indicators and `association` entries never reached (0 for a file that is
 * not valid JSON, as the docs state). The per-kind counts are those of `includeAdditional=true`.
 *
 * Hostile content never escapes as an exception: anything unexpected thrown while an item is handled
 * (e.g. `{"type":{"toString":1}}`, nesting too deep to serialise) ends the job with a job-fatal 0x1003
 * record naming the last JSON path, like ThreatConnect's deserialiser, and the rest unprocessed.
 *
 * @returns (as the generator's return value) counts and records
 */
export function* processSteps(input: ProcessInput, sliceItems = SLICE_ITEMS): Generator<void, ProcessOutput> {
  const tally = new Tally(input.config.haltOnError);
  let doc: unknown;
  try {
    doc = JSON.parse(input.content.toString('utf8'));
  } catch (e) {
    tally.errors.push(rec.jsonSyntax(`com.google.gson.stream.MalformedJsonException: ${(e as Error).message}`));
    return { counts: tally.counts(0), errors: tally.errors };
  }
  const parts = sections(doc);
  if (!('group' in parts)) {
    tally.errors.push(parts);
    return { counts: tally.counts(0), errors: tally.errors };
  }
  const total = parts.group.length + parts.indicator.length + parts.association.length;
  const ctx: JobContext = { store: input.store, owner: input.owner, config: input.config, now: input.now, types: input.types ?? BUILT_IN_TYPES };
  const at: Position = { section: '', index: 0 };
  try {
    yield* run(ctx, parts, input.indicatorLimit, tally, at, Math.max(1, sliceItems));
  } catch (e) {
    if (e instanceof FatalItemError) tally.errors.push(e.record);
    else if (!(e instanceof Halt)) tally.errors.push(unexpected(e, at));
  }
  return { counts: tally.counts(total), errors: tally.errors };
}

/** The job-fatal record for an exception no rule anticipated. */
function unexpected(e: unknown, at: Position): ErrorRecord {
  const why = e instanceof RangeError ? 'the JSON nesting is too deep' : 'a value has the wrong JSON type';
  const path = at.section ? `'$.${at.section}[${at.index}]': Last processed ${at.section}[${at.index}]` : undefined;
  return rec.jsonSyntax(`java.lang.IllegalStateException: ${why}`, path);
}

/**
 * Process a job's content in one go (one transaction); see {@link processSteps}.
 *
 * @returns counts and records; never throws for bad content (bad content is data: records)
 */
export function processJob(input: ProcessInput): ProcessOutput {
  return input.store.transaction(() => {
    const steps = processSteps(input, Number.MAX_SAFE_INTEGER);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  });
}

function* run(
  ctx: JobContext,
  parts: { group: unknown[]; indicator: unknown[]; association: unknown[] },
  limit: number,
  tally: Tally,
  at: Position,
  slice: number,
): Generator<void, void> {
  let done = 0;
  const pause = () => (++done % slice === 0 ? 1 : 0);
  const pending: PendingAssociation[] = [];
  const take = (o: ItemOutcome, kind: 'Group' | 'Indicator') => {
    if (o.ok) {
      tally[`success${kind}Count`] += 1;
      pending.push(...o.pending);
    } else {
      tally[`error${kind}Count`] += 1;
      tally.error(o.record);
    }
  };
  at.section = 'group';
  for (let i = 0; i < parts.group.length; i++) {
    at.index = i;
    const item = parts.group[i];
    tally.reached += 1;
    if (!isObject(item))
      throw new FatalItemError(
        rec.jsonSyntax(
          `java.lang.IllegalStateException: Not a JSON Object: ${preview(item)}`,
          where('group', i, parts.group),
        ),
      );
    take(applyGroup(ctx, item, i), 'Group');
    if (pause()) yield;
  }
  at.section = 'indicator';
  for (let i = 0; i < parts.indicator.length; i++) {
    at.index = i;
    if (i === limit) {
      tally.error(rec.indicatorLimit(parts.indicator.length, limit));
      break;
    }
    const item = parts.indicator[i];
    tally.reached += 1;
    if (!isObject(item))
      throw new FatalItemError(
        rec.jsonSyntax(
          `java.lang.IllegalStateException: Not a JSON Object: ${preview(item)}`,
          where('indicator', i, parts.indicator),
        ),
      );
    take(applyIndicator(ctx, item, i), 'Indicator');
    if (pause()) yield;
  }
  at.section = '';
  if (ctx.config.action === 'Create') {
    for (const p of pending) {
      const r = applyPending(ctx, p);
      if (r) {
        tally.errorAssociationCount += 1;
        tally.error(r);
      } else tally.successAssociationCount += 1;
      if (pause()) yield;
    }
  }
  at.section = 'association';
  for (let i = 0; i < parts.association.length; i++) {
    at.index = i;
    tally.reached += 1;
    const r = applyEntry(ctx, parts.association[i]);
    if (r) {
      tally.errorAssociationCount += 1;
      tally.error(r);
    } else tally.successAssociationCount += 1;
    if (pause()) yield;
  }
}

/**
 * The JSON path of a record as ThreatConnect words it: `'$.group[1]': Last processed group[1] '<xid>'`
 * naming the item read before the failing one (V2 Batch API page, `/results` example).
 */
function where(section: 'group' | 'indicator', i: number, items: unknown[]): string {
  const prev = i > 0 ? items[i - 1] : undefined;
  const key = section === 'group' ? 'xid' : 'summary';
  const name = isObject(prev) && typeof prev[key] === 'string' ? (prev[key] as string) : undefined;
  return name === undefined
    ? `'$.${section}[${i}]'`
    : `'$.${section}[${i}]': Last processed ${section}[${i}] '${name}'`;
}

/** A short JSON rendering of a value for a message (never throws, at most 100 characters). */
function preview(v: unknown): string {
  try {
    return (JSON.stringify(v) ?? String(v)).slice(0, 100);
  } catch {
    return '(unprintable)';
  }
}
