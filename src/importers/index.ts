/**
 * The importers by input format, and format sniffing for `--from auto`. Each importer is a small
 * module over the Batch API; this file only picks one for a file and runs it.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Batch } from '../batch/batch.js';
import { TcBatchError } from '../errors.js';
import { parse as parseCsv } from 'csv-parse/sync';
import { importCsv, importTxt, type ColumnMap } from './ioc-list.js';
import { detectIndicator, refang } from './normalize.js';
import { importMisp } from './misp.js';
import { importRules } from './rules.js';
import { importStix } from './stix.js';
import { importRecords } from './batch-content.js';
import { readContentFile } from './content-file.js';
import type { ImportReport } from './report.js';

/** Input formats `tcbatch convert --from` takes. */
export const FORMATS = ['stix', 'misp', 'batch', 'csv', 'txt', 'yara', 'snort', 'suricata'] as const;
export type InputFormat = (typeof FORMATS)[number];

/** A file that cannot be read, parsed or recognised. */
export class ImportFileError extends TcBatchError {
  constructor(
    readonly file: string,
    message: string,
    cause?: unknown,
  ) {
    super('TCB_IMPORT_FILE', `${file}: ${message}`, { cause });
  }
}

const isIndicator = (v: string | undefined) => v !== undefined && v.trim() !== '' && !('error' in detectIndicator(v));

/** A free-text report rather than one value a line: fewer than half the lines start with an indicator. */
export function looksLikeProse(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const listed = lines.filter((l) => isIndicator(refang(l.trim()).split(/[\s;,]+/)[0])).length;
  return lines.length > 0 && listed / lines.length < 0.5;
}

/**
 * Columns of a headerless CSV: the value is the column holding the most indicators in the first
 * 50 records, tags the column whose cells start with `#`. Undefined when the first record looks
 * like a header (the CSV importer then maps columns by name).
 */
export function guessCsvColumns(text: string): ColumnMap | undefined {
  let rows: string[][];
  try {
    rows = parseCsv(text, { relax_quotes: true, relax_column_count: true, skip_empty_lines: true, comment: '#', to: 50 }) as string[][];
  } catch {
    return undefined;
  }
  if (rows.length === 0) return undefined;
  const width = Math.max(...rows.map((r) => r.length));
  const score = (c: number) => rows.filter((r) => isIndicator(r[c])).length;
  let best = 0;
  for (let c = 1; c < width; c++) if (score(c) > score(best)) best = c;
  if (!isIndicator(rows[0]![best])) return undefined;
  const map: ColumnMap = { value: best };
  for (let c = 0; c < width; c++) if (c !== best && rows.filter((r) => r[c]?.startsWith('#')).length > rows.length / 2) map.tags = c;
  return map;
}

/**
 * Guess the format of a file from its extension and content.
 * @throws ImportFileError when nothing fits
 */
export function sniffFormat(file: string, text: string): InputFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.yar' || ext === '.yara') return 'yara';
  if (ext === '.rules') return /\b(?:app-layer-event|tls\.sni|http\.uri|dns\.query|flow:established)/.test(text) && /\bsuricata\b/i.test(text) ? 'suricata' : 'snort';
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  const head = text.trimStart().slice(0, 4096);
  if (head.startsWith('{') || head.startsWith('[')) {
    if (/"type"\s*:\s*"bundle"/.test(head) || /"spec_version"\s*:/.test(head) || /"id"\s*:\s*"[a-z0-9-]+--/.test(head)) return 'stix';
    if (/"Event"\s*:/.test(head) || /"Attribute"\s*:/.test(text.slice(0, 200_000))) return 'misp';
    if (/"(?:group|indicator|association)"\s*:\s*\[/.test(text.slice(0, 200_000)) || /^\s*\[?\s*\{[^]*"type"\s*:/.test(head)) return 'batch';
    throw new ImportFileError(file, 'JSON that is neither a STIX bundle, a MISP event nor batch content');
  }
  if (/^\s*(?:import\s+"|rule\s+\w+|private\s+rule\s+\w+)/m.test(head) && /condition\s*:/.test(text)) return 'yara';
  if (/^\s*(?:alert|drop|reject|pass)\s+\w+\s+\S+\s+\S+\s+(?:->|<>)/m.test(head)) return 'snort';
  return 'txt';
}

/**
 * Import one file into `batch`.
 * @param from a format, or `auto` to sniff it
 * @returns the importer's report; its `source` is the file's base name
 * @throws ImportFileError when the file cannot be read, parsed or recognised
 */
export function importFile(file: string, batch: Batch, from: InputFormat | 'auto' = 'auto'): ImportReport & { format: InputFormat } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ImportFileError(file, (e as Error).message, e);
  }
  const format = from === 'auto' ? sniffFormat(file, text) : from;
  const source = basename(file);
  let report: ImportReport;
  try {
    switch (format) {
      case 'stix': {
        let bundle: unknown;
        try {
          bundle = JSON.parse(text);
        } catch (e) {
          throw new ImportFileError(file, `invalid JSON: ${(e as Error).message}`, e);
        }
        report = importStix(bundle, batch, { source });
        break;
      }
      case 'misp':
        report = importMisp(text, batch, { source });
        break;
      case 'batch':
        report = importRecords(readContentFile(file).items.map((i) => ({ ...i, source: i.source.replace(file, source) })), batch, source);
        break;
      case 'csv': {
        const columns = guessCsvColumns(text);
        report = importCsv(text, batch, { source, ...(columns ? { columns } : {}) });
        break;
      }
      case 'txt':
        report = importTxt(text, batch, { source, ...(looksLikeProse(text) ? { extract: true } : {}) });
        break;
      default:
        report = importRules(text, batch, { source, format });
    }
  } catch (e) {
    if (e instanceof TcBatchError) throw e instanceof ImportFileError ? e : new ImportFileError(file, e.message, e);
    throw e;
  }
  return { ...report, format };
}

export { importStix, type StixImportOptions } from './stix.js';
export { importMisp, MispInputError, type MispImportOptions } from './misp.js';
export { importCsv, importTxt, type CsvImportOptions, type TxtImportOptions, type ColumnMap } from './ioc-list.js';
export { importRules, parseYara, parseSnort, type RuleImportOptions, type RuleFormat } from './rules.js';
export { importRecords, type ContentRecord, type ContentImportReport } from './batch-content.js';
export { readContentFile, ContentFileError, type ContentItem } from './content-file.js';
export { createReport, mergeReports, type ImportReport, type ImportReject, type ImportSkip, type ImportCounts } from './report.js';
export { refang, detectIndicator, type IndicatorImportReport } from './normalize.js';
