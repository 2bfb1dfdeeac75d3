/**
 * Batch content files (the ThreatConnect Batch V2 shape itself: `{group, indicator, association}`,
 * an array of items, or NDJSON) into a Batch through Interface 3, each item validated. Indicators
 * without an xid get the deterministic one (`sha256("{type}-{summary}")`, DESIGN.md §3); groups
 * need theirs (TC requires it).
 */
import type { Batch } from '../batch/batch.js';
import { ValidationError } from '../errors.js';
import { defaultXid } from '../model/xid.js';
import { addReject, createReport, type ImportReport } from './report.js';

/** One group, indicator or association with where it came from. */
export interface ContentRecord {
  kind: 'group' | 'indicator' | 'association';
  data: Record<string, unknown>;
  /** `file.json#/indicator/3` or `file.ndjson:12`. */
  source: string;
}

/** The report of a content import: duplicates are items whose xid was already in the batch (the first is kept). */
export interface ContentImportReport extends ImportReport {
  duplicates: number;
  duplicateSources: Array<{ source: string; value: string }>;
}

/** Add records to `batch`; refused ones become rejects with the rule they broke. */
export function importRecords(records: readonly ContentRecord[], batch: Batch, source: string): ContentImportReport {
  const report: ContentImportReport = { ...createReport(source), duplicates: 0, duplicateSources: [] };
  for (const item of records) {
    report.counts.read++;
    const before = batch.counts;
    const d = item.data;
    try {
      if (item.kind === 'association') batch.association(d);
      else if (item.kind === 'group') batch.addGroup(d);
      else batch.addIndicator(d.xid === undefined && typeof d.type === 'string' && typeof d.summary === 'string' ? { ...d, xid: defaultXid(d.type, d.summary) } : d);
      const after = batch.counts;
      const added = after.groups - before.groups + (after.indicators - before.indicators) + (after.associations - before.associations);
      if (added === 0) {
        report.duplicates++;
        report.duplicateSources.push({ source: item.source, value: String(d.xid ?? d.summary ?? d.name ?? '') });
      } else if (item.kind === 'group') report.counts.groups++;
      else if (item.kind === 'indicator') report.counts.indicators++;
      else report.counts.associations++;
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      addReject(report, item.source, String(d.summary ?? d.name ?? d.xid ?? JSON.stringify(d).slice(0, 80)), e.message);
    }
  }
  return report;
}
