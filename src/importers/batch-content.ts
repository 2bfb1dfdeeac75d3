/**
 * Batch content files (the ThreatConnect Batch V2 shape itself: `{group, indicator, association}`,
 * an array of items, or NDJSON) into a Batch through Interface 3, each item validated. Indicators
 * without an xid get the deterministic one (`sha256("{type}-{summary}")`, README: Design notes); groups
 * need theirs (TC requires it).
 */
import type { Batch } from '../batch/batch.js';
import { TcBatchError, ValidationError } from '../errors.js';
import { indicatorTypes } from '../../generated/catalog.js';
import { SUMMARY_SEPARATOR, type IndicatorTypeInfo } from '../model/catalog-types.js';
import { defaultXid } from '../model/xid.js';
import { fnv1a } from '../batch/string-hash.js';
import { addReject, createReport, safeText, type ImportReport } from './report.js';

/** One group, indicator or association with where it came from. */
export interface ContentRecord {
  kind: 'group' | 'indicator' | 'association';
  data: Record<string, unknown>;
  /** `file.json#/indicator/3` or `file.ndjson:12`. */
  source: string;
}

/** The report of a content import: duplicates are records whose xid was already read (merged into the first) or already in the batch. */
export interface ContentImportReport extends ImportReport {
  duplicates: number;
  duplicateSources: Array<{ source: string; value: string }>;
}

/**
 * The summary of an indicator record: its `summary`, else its value fields joined with `' : '`
 * in the type's order (`{"md5": ..., "sha256": ..., "type": "File"}` as the docs show it).
 */
export function recordSummary(d: Record<string, unknown>): string | undefined {
  if (typeof d.summary === 'string') return d.summary;
  const info = typeof d.type === 'string' && Object.hasOwn(indicatorTypes, d.type) ? (indicatorTypes as Record<string, IndicatorTypeInfo>)[d.type] : undefined;
  const parts = info?.values.map((v) => d[v.field]).filter((v): v is string => typeof v === 'string' && v.trim() !== '') ?? [];
  return parts.length > 0 ? parts.join(SUMMARY_SEPARATOR) : undefined;
}

const keyOf = (v: unknown): string => safeText(v, Infinity);

/**
 * Merge two records with the same xid the way ThreatConnect's batch cleaner does: scalar fields
 * from the first, metadata arrays (attributes, tags, security labels, associations, occurrences)
 * united in order without duplicates.
 */
export function mergeRecord(first: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...first };
  for (const [k, v] of Object.entries(next)) {
    const have = out[k];
    if (have === undefined) out[k] = v;
    else if (Array.isArray(have) && Array.isArray(v)) {
      const seen = new Set(have.map(keyOf));
      out[k] = [...have, ...v.filter((x) => !seen.has(keyOf(x)) && seen.add(keyOf(x)))];
    }
  }
  return out;
}

/** The xid a record is deduplicated by: its own, else (an indicator) the default one of its summary. */
function recordXid(item: ContentRecord): unknown {
  const d = item.data;
  if (!isObject(d)) return undefined;
  if (item.kind === 'indicator' && d.xid === undefined && typeof d.type === 'string') {
    const summary = recordSummary(d);
    return summary !== undefined ? defaultXid(d.type, summary) : undefined;
  }
  return d.xid;
}

/** The dedupe key of a record (`kind\0xid`; none for associations and records without an xid), as {@link keyed} gives it, without copying the record. */
function keyOnly(item: ContentRecord): string | undefined {
  if (item.kind === 'association') return undefined;
  const xid = recordXid(item);
  return typeof xid === 'string' ? `${item.kind}\0${xid}` : undefined;
}

/** A record with its default xid filled in, and its dedupe key (`kind\0xid`; none for associations and records without an xid). */
function keyed(item: ContentRecord): { data: Record<string, unknown>; key: string | undefined } {
  let d = item.data;
  if (item.kind === 'indicator' && isObject(d) && d.xid === undefined && typeof d.type === 'string') {
    const summary = recordSummary(d);
    if (summary !== undefined) d = { ...d, xid: defaultXid(d.type, summary) };
  }
  const key = item.kind !== 'association' && isObject(d) && typeof d.xid === 'string' ? `${item.kind}\0${d.xid}` : undefined;
  return { data: d, key };
}

/** Counts `item` (the record whose data was merged in) as a duplicate of an earlier record with the same xid. */
function mergedDuplicate(report: ContentImportReport, item: ContentRecord, data: Record<string, unknown>): void {
  report.counts.read++;
  report.duplicates++;
  report.duplicateSources.push({ source: item.source, value: safeText(data.xid) });
}

/** Records with their default xids filled in and duplicates (same kind and xid) merged into the first. */
function mergeDuplicates(records: readonly ContentRecord[], report: ContentImportReport): ContentRecord[] {
  const byXid = new Map<string, number>();
  const out: ContentRecord[] = [];
  for (const item of records) {
    const { data: d, key } = keyed(item);
    const at = key ? byXid.get(key) : undefined;
    if (at !== undefined) {
      const prev = out[at]!;
      mergedDuplicate(report, item, d);
      out[at] = { ...prev, data: mergeRecord(prev.data, d) };
      continue;
    }
    if (key) byXid.set(key, out.length);
    out.push({ ...item, data: d });
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A fresh content import report. */
function contentReport(source: string): ContentImportReport {
  return { ...createReport(source), duplicates: 0, duplicateSources: [] };
}

/**
 * Add one (merged) record to `batch`, counting it in `report`; a record whose xid is already in the
 * batch is a duplicate (listed in `duplicateSources`, or in `batchDuplicates` when given).
 */
function addRecord(batch: Batch, report: ContentImportReport, item: ContentRecord, batchDuplicates = report.duplicateSources, rejectedByKind?: Record<'groups' | 'indicators' | 'associations', number>): void {
  report.counts.read++;
  const before = batch.counts;
  const d = item.data;
  try {
    if (!isObject(d)) throw new ValidationError({ item: { kind: item.kind }, rule: `${item.kind === 'indicator' ? 'an' : 'a'} ${item.kind} is a JSON object`, value: d });
    if (item.kind === 'association') batch.association(d);
    // content files are untyped: addGroup/addIndicator check the type at run time
    else batch.addOwned(item.kind, d); // parsed here, never used again: kept, not copied
    const after = batch.counts;
    const added = after.groups - before.groups + (after.indicators - before.indicators) + (after.associations - before.associations);
    if (added === 0) {
      report.duplicates++;
      batchDuplicates.push({ source: item.source, value: safeText(d.xid ?? d.summary ?? d.name ?? '') });
    } else if (item.kind === 'group') report.counts.groups++;
    else if (item.kind === 'indicator') report.counts.indicators++;
    else report.counts.associations++;
  } catch (e) {
    if (!(e instanceof TcBatchError)) throw e;
    addReject(report, item.source, describeRecord(d), e.message);
    if (rejectedByKind) rejectedByKind[`${item.kind}s`]++;
  }
}

/**
 * Add records to `batch`; refused ones become rejects with the rule they broke. Records with the
 * same xid in the input are merged first ({@link mergeRecord}) and counted in `duplicates`;
 * an indicator without an xid gets the deterministic one of its summary (or hash values).
 * For input larger than memory see {@link importRecordStream} (the same report and items).
 */
export function importRecords(records: readonly ContentRecord[], batch: Batch, source: string): ContentImportReport {
  const report = contentReport(source);
  for (const item of mergeDuplicates(records, report)) addRecord(batch, report, item);
  return report;
}

/**
 * Records that can be read more than once: in order, and again by a handle (an NDJSON file is
 * read line by line; see `contentSource`).
 */
export interface RecordSource<H = unknown> {
  /** Every record in input order. */
  records(pass: number): AsyncIterable<ContentRecord>;
  /** Handles of the records at the given positions (0-based, ascending), found without parsing the others. */
  handles(positions: readonly number[]): Promise<H[]>;
  /** The record of a handle, read again. */
  read(handle: H): ContentRecord;
}

/** Hashes of keyed records in input order, and the positions of records without a key. */
class KeyHashes {
  hashes = new Uint32Array(1 << 12);
  /** 1 where the record has a key. */
  keyed = new Uint8Array(1 << 12);
  count = 0;
  push(key: string | undefined): void {
    if (this.count === this.hashes.length) {
      const h = new Uint32Array(this.count * 2);
      h.set(this.hashes);
      this.hashes = h;
      const k = new Uint8Array(this.count * 2);
      k.set(this.keyed);
      this.keyed = k;
    }
    if (key !== undefined) {
      this.hashes[this.count] = fnv1a(key);
      this.keyed[this.count] = 1;
    }
    this.count++;
  }
  /** Positions of keyed records by hash, for the hashes that more than one keyed record has. */
  shared(): Map<number, number[]> {
    const sorted = new Uint32Array(this.count);
    let n = 0;
    for (let i = 0; i < this.count; i++) if (this.keyed[i] === 1) sorted[n++] = this.hashes[i]!;
    const view = sorted.subarray(0, n).sort();
    const out = new Map<number, number[]>();
    for (let i = 1; i < n; i++) if (view[i] === view[i - 1] && !out.has(view[i]!)) out.set(view[i]!, []);
    if (out.size === 0) return out;
    for (let i = 0; i < this.count; i++) if (this.keyed[i] === 1) out.get(this.hashes[i]!)?.push(i);
    return out;
  }
}

/**
 * {@link importRecords} over records read from a {@link RecordSource} in two passes, so that the
 * records are never all in memory: the first pass keeps a 32-bit hash of each record's xid (5 bytes
 * a record); the second adds the records in order. A record whose hash another record shares is
 * merged, before it is added, with the later records of the same kind and xid, which are read again
 * by their handles; those later records are then counted as duplicates where they come. The report
 * and the batch are the same as {@link importRecords} gives for the same records (duplicate sources
 * too, in the same order).
 * @param options.onRecord called after each record of each pass (1 and 2)
 * @param options.rejectedByKind counts the rejected records by kind
 */
export async function importRecordStream<H>(input: RecordSource<H>, batch: Batch, source: string, options: { onRecord?: (pass: 1 | 2) => void; rejectedByKind?: Record<'groups' | 'indicators' | 'associations', number> } = {}): Promise<ContentImportReport> {
  const { onRecord, rejectedByKind } = options;
  const hashes = new KeyHashes();
  for await (const item of input.records(1)) {
    hashes.push(keyOnly(item));
    onRecord?.(1);
  }
  const shared = hashes.shared();
  const positions = [...shared.values()].flat().sort((a, b) => a - b);
  const handles = new Map<number, H>();
  if (positions.length > 0) {
    const found = await input.handles(positions);
    positions.forEach((p, i) => handles.set(p, found[i]!));
  }
  const report = contentReport(source);
  const batchDuplicates: Array<{ source: string; value: string }> = [];
  /** Keys of shared-hash records already added (their later records are duplicates). */
  const done = new Set<string>();
  let position = -1;
  for await (const item of input.records(2)) {
    position++;
    const { data, key } = keyed(item);
    const same = key !== undefined && hashes.keyed[position] === 1 ? shared.get(hashes.hashes[position]!) : undefined;
    if (same === undefined) {
      addRecord(batch, report, { ...item, data }, batchDuplicates, rejectedByKind);
      onRecord?.(2);
      continue;
    }
    if (done.has(key!)) {
      mergedDuplicate(report, item, data);
      onRecord?.(2);
      continue;
    }
    done.add(key!);
    let merged = data;
    for (const p of same) {
      if (p <= position) continue;
      const later = keyed(input.read(handles.get(p)!));
      if (later.key === key) merged = mergeRecord(merged, later.data);
    }
    addRecord(batch, report, { ...item, data: merged }, batchDuplicates, rejectedByKind);
    onRecord?.(2);
  }
  report.duplicateSources.push(...batchDuplicates);
  return report;
}

/** A short text naming a record in a reject: its summary, name or xid, else its JSON start. */
function describeRecord(d: unknown): string {
  if (isObject(d)) for (const k of ['summary', 'name', 'xid']) if (typeof d[k] === 'string') return d[k] as string;
  return safeText(d, 80);
}
