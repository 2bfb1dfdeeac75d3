/**
 * CISA Known Exploited Vulnerabilities catalogue, JSON or CSV (`tcbatch convert --from kev`): one
 * ThreatConnect Vulnerability group per CVE.
 *
 * | KEV field | ThreatConnect |
 * | --- | --- |
 * | `cveID` | the group name; xid `sha256("Vulnerability-<cveID>")` (the same CVE from two files is one group) |
 * | `shortDescription` | Description attribute |
 * | `vulnerabilityName`, `vendorProject`, `product`, `requiredAction`, `dateAdded`, `dueDate` | attributes `Title`, `Vendor`, `Product`, `Required Action`, `Date Added`, `Due Date` |
 * | `cwes` (JSON array, or `"CWE-79, CWE-116"` in CSV) | a `CWE` attribute each |
 * | `notes` (links separated by `;`, the catalogue writing `url; url`, `url ; url` and `url, url; url`) | a `Source` attribute each |
 * | `knownRansomwareCampaignUse` `Known` | tag `Known Ransomware Campaign Use` |
 *
 * A record without a `cveID` of the form `CVE-YYYY-NNNN` is rejected. Empty fields are left out.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import type { Batch } from '../batch/batch.js';
import { TcBatchError } from '../errors.js';
import { defaultXid } from '../model/xid.js';
import { addReject, errorReason, safeText } from './report.js';
import { createIndicatorReport, type IndicatorImportReport } from './normalize.js';
import { parseJsonText } from './json-text.js';

/** Options of {@link importKev}. */
export interface KevImportOptions {
  /** Name of the input (its base name), in report entries. */
  source?: string;
}

/** The tag of a CVE whose known ransomware campaign use is `Known`. */
export const RANSOMWARE_TAG = 'Known Ransomware Campaign Use';

const ATTRIBUTES: ReadonlyArray<[string, string]> = [
  ['vulnerabilityName', 'Title'],
  ['vendorProject', 'Vendor'],
  ['product', 'Product'],
  ['requiredAction', 'Required Action'],
  ['dateAdded', 'Date Added'],
  ['dueDate', 'Due Date'],
];

/**
 * The links of a KEV `notes` field: split at `;` and at a `,` before the next `http(s)://` (the
 * catalogue lists several vendor links as `url, url; url`); empty parts dropped.
 */
export function notesLinks(notes: string): string[] {
  return notes
    .split(/\s*;\s*|,\s+(?=https?:\/\/)/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** A KEV catalogue that is not one: neither the JSON `{vulnerabilities: [...]}` nor the CSV header. */
export class KevFormatError extends TcBatchError {
  constructor(message: string) {
    super('TCB_KEV_FORMAT', message);
  }
}

/** The records of a KEV catalogue text (JSON or CSV) with where each came from. */
export function kevRecords(text: string, source: string, parsedJson?: unknown): Array<{ where: string; record: Record<string, unknown> }> {
  if (parsedJson !== undefined || /^\s*\{/.test(text)) {
    const doc = parsedJson ?? parseJsonText(text);
    const list = doc && typeof doc === 'object' ? (doc as { vulnerabilities?: unknown }).vulnerabilities : undefined;
    if (!Array.isArray(list)) throw new KevFormatError('not a CISA KEV catalogue: expected {"vulnerabilities": [...]}');
    return list.map((record, i) => ({ where: `${source}#/vulnerabilities/${i}`, record: record && typeof record === 'object' && !Array.isArray(record) ? (record as Record<string, unknown>) : {} }));
  }
  let rows: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    rows = parseCsv(text, { columns: true, bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true }) as unknown as typeof rows;
  } catch (err) {
    throw new KevFormatError(`not a CISA KEV catalogue: ${err instanceof Error ? err.message : 'unreadable CSV'}`);
  }
  const header = /^\uFEFF?([^\r\n]*)/.exec(text)![1]!;
  if (rows.length > 0 ? !('cveID' in rows[0]!.record) : !/(?:^|,)"?cveID"?(?:,|$)/.test(header)) throw new KevFormatError('not a CISA KEV catalogue: the CSV header has no cveID column');
  return rows.map((r) => ({ where: `${source}:${r.info.lines}`, record: r.record }));
}

/**
 * Import a KEV catalogue.
 * @param text the catalogue (JSON or CSV text)
 * @param parsedJson the JSON document when the caller has parsed it already
 * @throws KevFormatError when the text is not a KEV catalogue
 */
export function importKev(text: string, batch: Batch, options: KevImportOptions = {}, parsedJson?: unknown): IndicatorImportReport {
  const source = options.source ?? 'kev';
  const report = createIndicatorReport(source);
  for (const { where, record } of kevRecords(text, source, parsedJson)) {
    report.counts.read++;
    const cve = typeof record.cveID === 'string' ? record.cveID.trim() : '';
    if (!/^CVE-\d{4}-\d{4,}$/.test(cve)) {
      addReject(report, where, safeText(record.cveID ?? ''), 'a KEV record needs a cveID like CVE-2024-12987');
      continue;
    }
    const before = batch.counts.groups;
    try {
      const v = batch.vulnerability({ name: cve, xid: defaultXid('Vulnerability', cve) });
      if (batch.counts.groups > before) {
        report.counts.groups++;
        report.byType.Vulnerability = (report.byType.Vulnerability ?? 0) + 1;
      } else report.duplicates++;
      const attr = (type: string, value: unknown): void => {
        if (typeof value !== 'string' || value.trim() === '') return;
        try {
          v.attribute(type, value.trim());
        } catch (err) {
          addReject(report, where, value, errorReason(err));
        }
      };
      attr('Description', record.shortDescription);
      for (const [field, type] of ATTRIBUTES) attr(type, record[field]);
      const cwes = Array.isArray(record.cwes) ? record.cwes : typeof record.cwes === 'string' ? record.cwes.split(',') : [];
      for (const cwe of cwes) attr('CWE', cwe);
      for (const link of typeof record.notes === 'string' ? notesLinks(record.notes) : []) attr('Source', link);
      if (typeof record.knownRansomwareCampaignUse === 'string' && record.knownRansomwareCampaignUse.trim() === 'Known') v.tag(RANSOMWARE_TAG);
    } catch (err) {
      addReject(report, where, cve, errorReason(err));
    }
  }
  return report;
}
