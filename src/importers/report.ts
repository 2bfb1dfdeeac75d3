/**
 * The import report shared by every importer (STIX, MISP, CSV/TXT, rules).
 *
 * Rule: nothing an importer reads is dropped silently. Every input record ends up either as a
 * batch item (counted in `groups` / `indicators` / `associations`), in `rejects` (the record or a
 * value in it broke a rule: invalid value, unsupported pattern, dangling reference) or in
 * `skipped` (the record is deliberately not imported: revoked, deprecated, a type that is not a
 * ThreatConnect item).
 */

/** A record (or a value inside it) that could not be imported. */
export interface ImportReject {
  /** Where it came from: `file:line` for line formats, the object id (optionally `file#id`) for JSON. */
  source: string;
  /** The offending value as text (a pattern, an IP, a name...). */
  value: string;
  /** Why it was rejected, e.g. the `ValidationError` rule or `unsupported STIX pattern`. */
  reason: string;
}

/** A record deliberately not imported. */
export interface ImportSkip {
  /** Where it came from: `file:line` or object id. */
  source: string;
  /** Why it was skipped (`revoked`, `deprecated`, `identity is not a ThreatConnect item`...). */
  reason: string;
}

/** Counters of an import. `read` counts input records (objects, lines, attributes). */
export interface ImportCounts {
  /** Input records read. */
  read: number;
  /** Groups added to the batch. */
  groups: number;
  /** Indicators added to the batch. */
  indicators: number;
  /** Associations added (group↔group, indicator→group, indicator↔indicator). */
  associations: number;
  /** Entries in `rejects`. */
  rejected: number;
  /** Entries in `skipped`. */
  skipped: number;
}

/** What an importer did with its input. */
export interface ImportReport {
  /** Name of the input (file path or a label given by the caller). */
  source: string;
  counts: ImportCounts;
  rejects: ImportReject[];
  skipped: ImportSkip[];
}

/** A fresh, empty report for `source`. */
export function createReport(source: string): ImportReport {
  return {
    source,
    counts: { read: 0, groups: 0, indicators: 0, associations: 0, rejected: 0, skipped: 0 },
    rejects: [],
    skipped: [],
  };
}

/** Appends a reject and increments `counts.rejected`. Returns the report. */
export function addReject(report: ImportReport, source: string, value: string, reason: string): ImportReport {
  report.rejects.push({ source, value, reason });
  report.counts.rejected++;
  return report;
}

/** Appends a skip and increments `counts.skipped`. Returns the report. */
export function addSkip(report: ImportReport, source: string, reason: string): ImportReport {
  report.skipped.push({ source, reason });
  report.counts.skipped++;
  return report;
}

/**
 * The reason text for a caught error: a `ValidationError`'s `field: rule` when it has one
 * (duck-typed, so this module imports nothing), else the error message.
 */
export function errorReason(err: unknown): string {
  if (err && typeof err === 'object' && 'rule' in err && typeof (err as { rule: unknown }).rule === 'string') {
    const e = err as { rule: string; field?: unknown };
    return typeof e.field === 'string' && e.field ? `${e.field}: ${e.rule}` : e.rule;
  }
  return err instanceof Error ? err.message : safeText(err);
}

/**
 * Merges reports into a new one: counts are summed, rejects and skips concatenated in order.
 * `source` defaults to the sources joined with `, `. The inputs are not modified.
 */
export function mergeReports(reports: readonly ImportReport[], source?: string): ImportReport {
  const out = createReport(source ?? reports.map((r) => r.source).join(', '));
  for (const r of reports) {
    for (const k of Object.keys(out.counts) as Array<keyof ImportCounts>) out.counts[k] += r.counts[k];
    out.rejects.push(...r.rejects);
    out.skipped.push(...r.skipped);
  }
  return out;
}

/**
 * A short text of any input value for a report entry: strings as they are, other values as JSON
 * (BigInt, Symbol and prototype-less objects included); never throws.
 */
export function safeText(v: unknown, max = 200): string {
  if (typeof v === 'string') return v.slice(0, max);
  try {
    const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
    if (s !== undefined) return s.slice(0, max);
  } catch {
    // cycles and the like: fall through
  }
  try {
    return String(v).slice(0, max);
  } catch {
    return Object.prototype.toString.call(v);
  }
}
