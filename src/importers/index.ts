/**
 * The importers by input format, and format sniffing for `--from auto`. Each importer is a small
 * module over the Batch API; this file only picks one for a file and runs it.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { MissingPeerError, TcBatchError } from '../errors.js';
import { parse as parseCsv } from 'csv-parse/sync';
import { importCsv, importCsvFile, importTxt, type ColumnMap } from './ioc-list.js';
import { LARGE_INPUT_BYTES, readHead, type FileHead } from './file-input.js';
import { Batch } from '../batch/batch.js';
import { parseJsonText } from './json-text.js';
import { detectIndicator, refang } from './normalize.js';
import { importMisp } from './misp.js';
import { importRules } from './rules.js';
import { importStix, importStixFile } from './stix.js';
import { DiskStixState } from './stix-disk-state.js';
import { importRecords, importRecordStream } from './batch-content.js';
import { importOpenIoc } from './openioc.js';
import { importSigma } from './sigma.js';
import { importClamav } from './clamav.js';
import { importEml } from './eml.js';
import { importKev } from './kev.js';
import { contentSource, readContentFile, sniffNdjson } from './content-file.js';
import type { ImportReport } from './report.js';

/** Input formats `tcbatch convert --from` takes. */
export const FORMATS = ['stix', 'misp', 'batch', 'csv', 'tsv', 'txt', 'yara', 'snort', 'suricata', 'openioc', 'sigma', 'clamav', 'eml', 'kev'] as const;
export type InputFormat = (typeof FORMATS)[number];

/** A file that cannot be read, parsed or recognised (`TCB_UNSUPPORTED_FORMAT` when its format is unknown). */
export class ImportFileError extends TcBatchError {
  constructor(
    readonly file: string,
    message: string,
    cause?: unknown,
    code: 'TCB_IMPORT_FILE' | 'TCB_UNSUPPORTED_FORMAT' = 'TCB_IMPORT_FILE',
  ) {
    super(code, `${file}: ${message}`, { cause });
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
export function guessCsvColumns(text: string, delimiter = ','): ColumnMap | undefined {
  let rows: string[][];
  try {
    rows = csvRows(text, delimiter, 50);
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

function csvRows(text: string, delimiter: string, to: number): string[][] {
  return parseCsv(text, { delimiter, relax_quotes: true, relax_column_count: true, skip_empty_lines: true, comment: '#', comment_no_infix: true, to }) as string[][];
}

/**
 * {@link guessCsvColumns} of a file, read only as far as needed: a head (cut after its last line
 * break) in which a 51st record starts gives the first 50 records exactly as the whole text does
 * (csv-parse stops after `to` records), so heads grow from 1 MiB until one does, or the file ends.
 */
export function guessCsvColumnsOfFile(file: string, delimiter = ','): ColumnMap | undefined {
  for (let bytes = 1 << 20; ; bytes *= 4) {
    const head = readHead(file, bytes);
    if (head.complete) return guessCsvColumns(head.text, delimiter);
    const text = head.text.slice(0, head.text.lastIndexOf('\n') + 1);
    try {
      if (csvRows(text, delimiter, 51).length === 51) return guessCsvColumns(text, delimiter);
    } catch {
      // a record cut by the head, or broken: read more
    }
  }
}

/** Suricata rather than Snort: an app-layer protocol in the rule header or a Suricata keyword or sticky buffer. */
const SURICATA = /^\s*(?:alert|drop|reject|pass)\s+(?:dns|tls|ssh|smb|dcerpc|dnp3|enip|nfs|ikev2|krb5|ntp|dhcp|rfb|rdp|sip|snmp|mqtt|http2?|quic|modbus|smtp|ftp|ftp-data|tftp|pgsql|telnet|websocket|ldap)\s|[(;]\s*(?:dns[._]query|http\.[a-z_.]+|tls\.[a-z_.]+|tls_sni|ja3[._]hash|ja3s\.hash|file\.data|dns\.opcode|app-layer-(?:protocol|event)|flowbits\s*:\s*noalert;\s*\S+\s*:|pkt_data|ssh\.[a-z_]+|smb\.[a-z_]+)\b/m;

/** Thrown inside {@link sniff} when the head of a file cannot decide what the whole text would. */
const NEED_MORE = Symbol('need the whole text');

/**
 * Guess the format of a file from its extension and content.
 * @throws ImportFileError (`TCB_UNSUPPORTED_FORMAT`) when JSON fits no known shape
 */
export function sniffFormat(file: string, text: string): InputFormat {
  return sniff(file, text, true)!;
}

/**
 * {@link sniffFormat} from the head of a file: the format the whole text would give, or undefined
 * when the head cannot tell (a test found nothing in the head, or matched up to its very end).
 * @param complete `text` is the whole file
 */
export function sniffHead(file: string, text: string, complete: boolean): InputFormat | undefined {
  try {
    return sniff(file, text, complete);
  } catch (e) {
    if (e === NEED_MORE) return undefined;
    throw e;
  }
}

function sniff(file: string, text: string, complete: boolean): InputFormat {
  // a match that ends before the end of the head is a match in the whole text; no match, or one
  // touching the end, decides nothing in a head
  const inText = (re: RegExp): boolean => {
    const m = re.exec(text);
    if (m && (complete || m.index + m[0].length < text.length)) return true;
    if (!complete) throw NEED_MORE;
    return false;
  };
  const first = (n: number): string => {
    if (!complete && text.length < n) throw NEED_MORE;
    return text.slice(0, n);
  };
  const ext = extname(file).toLowerCase();
  const start = text.trimStart();
  if (!complete && start.length <= 4096) throw NEED_MORE;
  const head = start.slice(0, 4096);
  if (ext === '.yar' || ext === '.yara') return 'yara';
  if (ext === '.ioc' || /^(?:<\?xml[^>]*>\s*)?(?:<!--[^]*?-->\s*)*<(?:ioc|OpenIOC)\b/.test(head)) return 'openioc';
  if (['.ldb', '.ndb', '.hdb', '.hsb', '.hdu', '.hsu', '.ldu', '.ndu'].includes(ext)) return 'clamav';
  if (ext === '.eml' || looksLikeEmail(head)) return 'eml';
  if (/^\uFEFF?cveID,vendorProject,/.test(head)) return 'kev';
  if ((ext === '.yml' || ext === '.yaml' || !/^[[{]/.test(head)) && /^title\s*:/m.test(head) && inText(/^detection\s*:/m)) return 'sigma';
  if (ext === '.rules') return inText(SURICATA) ? 'suricata' : 'snort';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.csv') return 'csv';
  if (head.startsWith('{') || head.startsWith('[')) {
    if (/"catalogVersion"\s*:/.test(head) && /"vulnerabilities"\s*:/.test(head)) return 'kev';
    if (/"type"\s*:\s*"bundle"/.test(head) || /"spec_version"\s*:/.test(head) || /"id"\s*:\s*"[a-z0-9-]+--/.test(head)) return 'stix';
    if (/"Event"\s*:/.test(head) || /"Attribute"\s*:/.test(first(200_000))) return 'misp';
    if (/"(?:group|indicator|association)"\s*:\s*\[/.test(first(200_000)) || /^\s*\[?\s*\{[^]*"type"\s*:/.test(head)) return 'batch';
    throw new ImportFileError(file, `unsupported format: JSON that is neither a STIX bundle, a MISP event, a CISA KEV catalogue nor batch content; use --from ${FORMATS.join('|')}`, undefined, 'TCB_UNSUPPORTED_FORMAT');
  }
  if (/^\s*(?:import\s+"|rule\s+\w+|private\s+rule\s+\w+)/m.test(head) && inText(/condition\s*:/)) return 'yara';
  if (/^\s*(?:alert|drop|reject|pass)\s+\w+\s+\S+\s+\S+\s+(?:->|<>)/m.test(head)) return inText(SURICATA) ? 'suricata' : 'snort';
  if (!complete && (text.match(/\n/g)?.length ?? 0) < 200) throw NEED_MORE;
  if (looksLikeTsv(text)) return 'tsv';
  return 'txt';
}

/** An RFC 5322 header block: header fields from the first line, and From or Received or Message-ID among them. */
function looksLikeEmail(head: string): boolean {
  const block = head.split(/\r?\n\r?\n/, 1)[0]!;
  return /^[A-Za-z][A-Za-z0-9-]*:[ \t]/.test(block) && /^(?:From|Received|Message-ID|Return-Path):/im.test(block) && /^(?:Subject|Date|To|MIME-Version):/im.test(block) && /\r?\n\r?\n/.test(head);
}

/** A header and rows with the same number (>= 1) of tabs in most of the first 50 non-comment lines. */
function looksLikeTsv(text: string): boolean {
  const lines = text.split(/\r?\n/, 200).filter((l) => l.trim() !== '' && !l.startsWith('#')).slice(0, 50);
  if (lines.length < 2) return false;
  const tabs = lines.map((l) => l.split('\t').length - 1);
  // a header first: its first cell is a column name, not an indicator
  return tabs[0]! > 0 && tabs.filter((t) => t === tabs[0]).length >= lines.length * 0.8 && !isIndicator(lines[0]!.split('\t')[0]);
}

/** Where a streamed import is, for a progress display. */
export interface ImportProgress {
  /** Bytes of the file read in the current pass. */
  bytesRead: number;
  /** File size in bytes. */
  totalBytes: number;
  /** Items (groups, indicators, associations) added to the batch by this import so far. */
  items: number;
  /** The pass over the file (1-based): large NDJSON and STIX files are read more than once. */
  pass: number;
  /** Passes over the file in all. */
  passes: number;
}

/** Options of {@link importFile}. */
export interface ImportFileOptions {
  /**
   * Bytes read so far and the file size, for large files read as a stream (CSV, TSV, NDJSON batch
   * content, STIX bundles); `progress` tells the items added and the pass.
   */
  onProgress?: (bytesRead: number, totalBytes: number, progress: ImportProgress) => void;
  /**
   * Read the file as a stream (`true`) or whole (`false`). Default: as a stream when the format
   * can be streamed (CSV, TSV, NDJSON batch content, STIX) and the file is larger than 1 MiB. Both
   * give the same items and the same report.
   */
  stream?: boolean;
  /** Bytes read at a time when streaming (default 1 MiB). */
  chunkBytes?: number;
  /**
   * Where a streamed STIX import keeps its entry per STIX id between its passes: `memory`, `disk`
   * (a scratch SQLite file: memory does not grow with the bundle; needs better-sqlite3) or `auto`
   * (default: disk for bundles of {@link STIX_DISK_STATE_BYTES} or more when better-sqlite3 is
   * installed). Same items and report either way.
   */
  stixState?: 'memory' | 'disk' | 'auto';
}

/** Streamed STIX bundles of at least this many bytes keep their per-id state on disk under `stixState: 'auto'`. */
export const STIX_DISK_STATE_BYTES = LARGE_INPUT_BYTES;

/**
 * The disk state of a STIX import, or none (in memory).
 * @throws MissingPeerError for `disk` without better-sqlite3
 */
function stixStateFor(file: string, choice: ImportFileOptions['stixState'] = 'auto'): DiskStixState | undefined {
  if (choice === 'memory') return undefined;
  if (choice === 'disk') return new DiskStixState();
  if (statSync(file).size < STIX_DISK_STATE_BYTES) return undefined;
  try {
    return new DiskStixState();
  } catch (e) {
    if (e instanceof MissingPeerError) return undefined;
    throw e;
  }
}

function unsupported(file: string, detail: string): ImportFileError {
  return new ImportFileError(file, `unsupported format: ${detail}; use --from ${FORMATS.join('|')}`, undefined, 'TCB_UNSUPPORTED_FORMAT');
}

/** Items the report accounts for: made, merged into existing ones or rejected. */
const outcomes = (r: ImportReport): number => r.counts.groups + r.counts.indicators + r.counts.associations + r.counts.rejected + ((r as { duplicates?: number }).duplicates ?? 0);

const readText = (file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ImportFileError(file, (e as Error).message, e);
  }
};

/**
 * Import one file into `batch`.
 *
 * Under `auto` the format is sniffed (from the first megabyte when that decides it); text that is
 * neither a list of indicators nor prose with indicators in it is an unsupported format (the prose
 * extractor runs under `auto` only when it finds indicators, and always with `from: 'txt'` on
 * prose). A non-empty file that yields no item, no reject and no duplicate is refused: an import
 * never succeeds with nothing. CSV, TSV, NDJSON batch content and STIX bundles larger than 1 MiB are
 * read as streams (see {@link ImportFileOptions.stream}); other formats are read whole.
 * @param from a format, or `auto` to sniff it
 * @returns the importer's report; its `source` is the file's base name
 * @throws ImportFileError when the file cannot be read, parsed or recognised
 */
export async function importFile(file: string, batch: Batch, from: InputFormat | 'auto' = 'auto', options: ImportFileOptions = {}): Promise<ImportReport & { format: InputFormat }> {
  let head: FileHead;
  try {
    head = readHead(file);
  } catch (e) {
    throw new ImportFileError(file, (e as Error).message, e);
  }
  let text: string | undefined = head.complete ? head.text : undefined;
  let format = from === 'auto' ? sniffHead(file, head.text, head.complete) : from;
  if (format === undefined) format = sniffFormat(file, (text = readText(file)));
  const stream = STREAMED.has(format) && (options.stream ?? !head.complete) && (head.text.trim() !== '' || head.complete);
  if (!stream) text ??= readText(file);
  const source = basename(file);
  let report: ImportReport;
  try {
    report = await runImporter(format, { file, text, source, batch, auto: from === 'auto', options });
  } catch (e) {
    if (e instanceof TcBatchError) throw e instanceof ImportFileError ? e : new ImportFileError(file, e.message.startsWith(`${file}: `) ? e.message.slice(file.length + 2) : e.message, e, e.code === 'TCB_UNSUPPORTED_FORMAT' ? e.code : undefined);
    throw e;
  }
  // a streamed file is larger than its head, and its head is not blank
  if ((text === undefined || text.trim() !== '') && outcomes(report) === 0) {
    const why = report.counts.skipped > 0 ? `${report.counts.skipped} records skipped (${report.skipped[0]!.reason}), nothing to import` : `no ${format} records found`;
    throw unsupported(file, why);
  }
  return { ...report, format };
}

/** Formats with a streaming importer. */
const STREAMED = new Set<InputFormat>(['csv', 'tsv', 'batch', 'stix']);

interface Run {
  file: string;
  /** The whole text; undefined when the file is streamed. */
  text: string | undefined;
  source: string;
  batch: Batch;
  auto: boolean;
  options: ImportFileOptions;
}

/** A progress callback of one pass for the streaming readers, or undefined. */
function progressOf(run: Run): ((bytesRead: number, totalBytes: number, pass: number, passes: number) => void) | undefined {
  const on = run.options.onProgress;
  if (!on) return undefined;
  const { batch } = run;
  const start = batch.size + batch.counts.associations;
  return (bytesRead, totalBytes, pass, passes) => on(bytesRead, totalBytes, { bytesRead, totalBytes, items: batch.size + batch.counts.associations - start, pass, passes });
}

async function runImporter(format: InputFormat, run: Run): Promise<ImportReport> {
  const { file, source, batch } = run;
  if (run.text === undefined) {
    switch (format) {
      case 'csv':
      case 'tsv': {
        const delimiter = format === 'tsv' ? '\t' : ',';
        const columns = guessCsvColumnsOfFile(file, delimiter);
        const progress = progressOf(run);
        return importCsvFile(file, batch, { source, delimiter, chunkBytes: run.options.chunkBytes, ...(columns ? { columns } : {}) }, progress && ((b, t) => progress(b, t, 1, 1)));
      }
      case 'stix': {
        const progress = progressOf(run);
        const state = stixStateFor(file, run.options.stixState);
        try {
          return await importStixFile(file, batch, { source, chunkBytes: run.options.chunkBytes, ...(progress ? { onProgress: progress } : {}), ...(state ? { state } : {}) });
        } finally {
          state?.close();
        }
      }
      case 'batch': {
        if (sniffNdjson(file) === true) {
          const progress = progressOf(run);
          const input = contentSource([file], { label: () => source, chunkBytes: run.options.chunkBytes, ...(progress ? { onBytes: (_f: string, b: number, t: number, pass: number) => progress(b, t, pass, 2) } : {}) });
          return importRecordStream(input, batch, source);
        }
        run.text = readText(file);
        break;
      }
    }
  }
  const text = run.text ?? readText(file);
  switch (format) {
    case 'stix': {
      let bundle: unknown;
      try {
        bundle = parseJsonText(text);
      } catch (e) {
        throw new ImportFileError(file, (e as Error).message, e);
      }
      return importStix(bundle, batch, { source });
    }
    case 'misp':
      return importMisp(text, batch, { source });
    case 'batch':
      return importRecords(readContentFile(file).items.map((i) => ({ ...i, source: i.source.replace(file, source) })), batch, source);
    case 'csv':
    case 'tsv': {
      const delimiter = format === 'tsv' ? '\t' : ',';
      const columns = guessCsvColumns(text, delimiter);
      return importCsv(text, batch, { source, delimiter, ...(columns ? { columns } : {}) });
    }
    case 'txt':
      return importText({ ...run, text });
    case 'openioc':
      return importOpenIoc(text, batch, { source });
    case 'sigma':
      return importSigma(text, batch, { source });
    case 'clamav':
      return importClamav(text, batch, { source });
    case 'eml':
      // RFC 5322: a message starts with its header fields (or an mbox `From ` line)
      if (!/^\uFEFF?(?:[\x21-\x39\x3b-\x7e]+:|From )/.test(text)) throw unsupported(file, 'not an e-mail message: no header field (From:, Subject:, ...) on its first line');
      return importEml(readFileSync(file), batch, { source });
    case 'kev':
      return importKev(text, batch, { source }, /^\s*\{/.test(text) ? parseJsonText(text) : undefined);
    default:
      return importRules(text, batch, { source, format });
  }
}

/** Lists one value a line; prose only when asked or when the extractor finds indicators. */
function importText({ file, text, source, batch, auto }: Run & { text: string }): ImportReport {
  const prose = looksLikeProse(text);
  if (!auto) return importTxt(text, batch, { source, ...(prose ? { extract: true } : {}) });
  const trial = new Batch();
  const list = importTxt(text, trial, { source });
  if (!prose && list.counts.indicators + list.duplicates > 0) return importTxt(text, batch, { source });
  const extracted = importTxt(text, trial, { source, extract: true });
  if (extracted.counts.indicators + extracted.duplicates > 0) return importTxt(text, batch, { source, extract: true });
  throw unsupported(file, 'text with no indicator values in it (not a list, and no indicators in the prose)');
}

export { importStix, type StixImportOptions } from './stix.js';
export { importOpenIoc, OpenIocFormatError, type OpenIocImportOptions } from './openioc.js';
export { importSigma, type SigmaImportOptions } from './sigma.js';
export { importClamav, parseClamavLine, type ClamavImportOptions, type ClamavKind } from './clamav.js';
export { importEml, type EmlImportOptions } from './eml.js';
export { importKev, KevFormatError, RANSOMWARE_TAG, type KevImportOptions } from './kev.js';
export { parseJsonText, JsonSyntaxError, MAX_JSON_DEPTH } from './json-text.js';
export { importMisp, MispInputError, type MispImportOptions } from './misp.js';
export { importCsv, importCsvFile, importTxt, splitListLine, type CsvImportOptions, type TxtImportOptions, type ColumnMap } from './ioc-list.js';
export { importRules, parseYara, parseSnort, type RuleImportOptions, type RuleFormat } from './rules.js';
export { importRecords, type ContentRecord, type ContentImportReport } from './batch-content.js';
export { readContentFile, ContentFileError, type ContentItem } from './content-file.js';
export { createReport, mergeReports, type ImportReport, type ImportReject, type ImportSkip, type ImportCounts } from './report.js';
export { refang, detectIndicator, type IndicatorImportReport } from './normalize.js';
