/**
 * Batch content files (the ThreatConnect Batch V2 shape itself: `{group, indicator, association}`,
 * an array of items, or NDJSON) into a Batch through Interface 3, each item validated. Indicators
 * without an xid get the deterministic one (`sha256("{type}-{summary}")`, README: Design notes); groups
 * need theirs (TC requires it).
 */
import type { Batch } from '../batch/batch.js';
import type { GroupInput, IndicatorInput } from '../batch/core.js';
import { TcBatchError, ValidationError } from '../errors.js';
import { indicatorTypes } from '../../generated/catalog.js';
import { SUMMARY_SEPARATOR, type IndicatorTypeInfo } from '../model/catalog-types.js';
import { defaultXid } from '../model/xid.js';
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

/** Records with their default xids filled in and duplicates (same kind and xid) merged into the first. */
function mergeDuplicates(records: readonly ContentRecord[], report: ContentImportReport): ContentRecord[] {
  const byXid = new Map<string, number>();
  const out: ContentRecord[] = [];
  for (const item of records) {
    let d = item.data;
    if (item.kind === 'indicator' && isObject(d) && d.xid === undefined && typeof d.type === 'string') {
      const summary = recordSummary(d);
      if (summary !== undefined) d = { ...d, xid: defaultXid(d.type, summary) };
    }
    const key = item.kind !== 'association' && isObject(d) && typeof d.xid === 'string' ? `${item.kind}\0${d.xid}` : undefined;
    const at = key ? byXid.get(key) : undefined;
    if (at !== undefined) {
      const prev = out[at]!;
      report.counts.read++;
      report.duplicates++;
      report.duplicateSources.push({ source: item.source, value: safeText(d.xid) });
      out[at] = { ...prev, data: mergeRecord(prev.data, d) };
      continue;
    }
    if (key) byXid.set(key, out.length);
    out.push({ ...item, data: d });
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Add records to `batch`; refused ones become rejects with the rule they broke. Records with the
 * same xid in the input are merged first ({@link mergeRecord}) and counted in `duplicates`;
 * an indicator without an xid gets the deterministic one of its summary (or hash values).
 */
export function importRecords(records: readonly ContentRecord[], batch: Batch, source: string): ContentImportReport {
  const report: ContentImportReport = { ...createReport(source), duplicates: 0, duplicateSources: [] };
  for (const item of mergeDuplicates(records, report)) {
    report.counts.read++;
    const before = batch.counts;
    const d = item.data;
    try {
      if (!isObject(d)) throw new ValidationError({ item: { kind: item.kind }, rule: `${item.kind === 'indicator' ? 'an' : 'a'} ${item.kind} is a JSON object`, value: d });
      if (item.kind === 'association') batch.association(d);
      // content files are untyped: addGroup/addIndicator check the type at run time
      else if (item.kind === 'group') batch.addGroup(d as GroupInput);
      else batch.addIndicator(d as IndicatorInput);
      const after = batch.counts;
      const added = after.groups - before.groups + (after.indicators - before.indicators) + (after.associations - before.associations);
      if (added === 0) {
        report.duplicates++;
        report.duplicateSources.push({ source: item.source, value: safeText(d.xid ?? d.summary ?? d.name ?? '') });
      } else if (item.kind === 'group') report.counts.groups++;
      else if (item.kind === 'indicator') report.counts.indicators++;
      else report.counts.associations++;
    } catch (e) {
      if (!(e instanceof TcBatchError)) throw e;
      addReject(report, item.source, describeRecord(d), e.message);
    }
  }
  return report;
}

/** A short text naming a record in a reject: its summary, name or xid, else its JSON start. */
function describeRecord(d: unknown): string {
  if (isObject(d)) for (const k of ['summary', 'name', 'xid']) if (typeof d[k] === 'string') return d[k] as string;
  return safeText(d, 80);
}
