/**
 * The importers by input format, and format sniffing for `--from auto`. Each importer is a small
 * module over the Batch API; this file only picks one for a file and runs it.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { TcBatchError } from '../errors.js';
import { parse as parseCsv } from 'csv-parse/sync';
import { importCsvFile, importTxt, type ColumnMap } from './ioc-list.js';
import { Batch } from '../batch/batch.js';
import { parseJsonText } from './json-text.js';
import { detectIndicator, refang } from './normalize.js';
import { importMisp } from './misp.js';
import { importRules } from './rules.js';
import { importStix } from './stix.js';
import { importRecords } from './batch-content.js';
import { importOpenIoc } from './openioc.js';
import { importSigma } from './sigma.js';
import { importClamav } from './clamav.js';
import { importEml } from './eml.js';
import { importKev } from './kev.js';
import { readContentFile } from './content-file.js';
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
    rows = parseCsv(text, { delimiter, relax_quotes: true, relax_column_count: true, skip_empty_lines: true, comment: '#', comment_no_infix: true, to: 50 }) as string[][];
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

/** Suricata rather than Snort: an app-layer protocol in the rule header or a Suricata keyword or sticky buffer. */
const SURICATA = /^\s*(?:alert|drop|reject|pass)\s+(?:dns|tls|ssh|smb|dcerpc|dnp3|enip|nfs|ikev2|krb5|ntp|dhcp|rfb|rdp|sip|snmp|mqtt|http2?|quic|modbus|smtp|ftp|ftp-data|tftp|pgsql|telnet|websocket|ldap)\s|[(;]\s*(?:dns[._]query|http\.[a-z_.]+|tls\.[a-z_.]+|tls_sni|ja3[._]hash|ja3s\.hash|file\.data|dns\.opcode|app-layer-(?:protocol|event)|flowbits\s*:\s*noalert;\s*\S+\s*:|pkt_data|ssh\.[a-z_]+|smb\.[a-z_]+)\b/m;

/**
 * Guess the format of a file from its extension and content.
 * @throws ImportFileError (`TCB_UNSUPPORTED_FORMAT`) when JSON fits no known shape
 */
export function sniffFormat(file: string, text: string): InputFormat {
  const ext = extname(file).toLowerCase();
  const head = text.trimStart().slice(0, 4096);
  if (ext === '.yar' || ext === '.yara') return 'yara';
  if (ext === '.ioc' || /^(?:<\?xml[^>]*>\s*)?(?:<!--[^]*?-->\s*)*<(?:ioc|OpenIOC)\b/.test(head)) return 'openioc';
  if (['.ldb', '.ndb', '.hdb', '.hsb', '.hdu', '.hsu', '.ldu', '.ndu'].includes(ext)) return 'clamav';
  if (ext === '.eml' || looksLikeEmail(head)) return 'eml';
  if (/^\uFEFF?cveID,vendorProject,/.test(head)) return 'kev';
  if ((ext === '.yml' || ext === '.yaml' || !/^[[{]/.test(head)) && /^title\s*:/m.test(head) && /^detection\s*:/m.test(text)) return 'sigma';
  if (ext === '.rules') return SURICATA.test(text) ? 'suricata' : 'snort';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.csv') return 'csv';
  if (head.startsWith('{') || head.startsWith('[')) {
    if (/"catalogVersion"\s*:/.test(head) && /"vulnerabilities"\s*:/.test(head)) return 'kev';
    if (/"type"\s*:\s*"bundle"/.test(head) || /"spec_version"\s*:/.test(head) || /"id"\s*:\s*"[a-z0-9-]+--/.test(head)) return 'stix';
    if (/"Event"\s*:/.test(head) || /"Attribute"\s*:/.test(text.slice(0, 200_000))) return 'misp';
    if (/"(?:group|indicator|association)"\s*:\s*\[/.test(text.slice(0, 200_000)) || /^\s*\[?\s*\{[^]*"type"\s*:/.test(head)) return 'batch';
    throw new ImportFileError(file, `unsupported format: JSON that is neither a STIX bundle, a MISP event, a CISA KEV catalogue nor batch content; use --from ${FORMATS.join('|')}`, undefined, 'TCB_UNSUPPORTED_FORMAT');
  }
  if (/^\s*(?:import\s+"|rule\s+\w+|private\s+rule\s+\w+)/m.test(head) && /condition\s*:/.test(text)) return 'yara';
  if (/^\s*(?:alert|drop|reject|pass)\s+\w+\s+\S+\s+\S+\s+(?:->|<>)/m.test(head)) return SURICATA.test(text) ? 'suricata' : 'snort';
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

/** Options of {@link importFile}. */
export interface ImportFileOptions {
  /** Bytes read so far and the file size, for large files read as a stream (CSV, TSV). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

function unsupported(file: string, detail: string): ImportFileError {
  return new ImportFileError(file, `unsupported format: ${detail}; use --from ${FORMATS.join('|')}`, undefined, 'TCB_UNSUPPORTED_FORMAT');
}

/** Items the report accounts for: made, merged into existing ones or rejected. */
const outcomes = (r: ImportReport): number => r.counts.groups + r.counts.indicators + r.counts.associations + r.counts.rejected + ((r as { duplicates?: number }).duplicates ?? 0);

/**
 * Import one file into `batch`.
 *
 * Under `auto` the format is sniffed; text that is neither a list of indicators nor prose with
 * indicators in it is an unsupported format (the prose extractor runs under `auto` only when it
 * finds indicators, and always with `from: 'txt'` on prose). A non-empty file that yields no item,
 * no reject and no duplicate is refused: an import never succeeds with nothing.
 * @param from a format, or `auto` to sniff it
 * @returns the importer's report; its `source` is the file's base name
 * @throws ImportFileError when the file cannot be read, parsed or recognised
 */
export async function importFile(file: string, batch: Batch, from: InputFormat | 'auto' = 'auto', options: ImportFileOptions = {}): Promise<ImportReport & { format: InputFormat }> {
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
    report = await runImporter(format, { file, text, source, batch, auto: from === 'auto', options });
  } catch (e) {
    if (e instanceof TcBatchError) throw e instanceof ImportFileError ? e : new ImportFileError(file, e.message.startsWith(`${file}: `) ? e.message.slice(file.length + 2) : e.message, e, e.code === 'TCB_UNSUPPORTED_FORMAT' ? e.code : undefined);
    throw e;
  }
  if (text.trim() !== '' && outcomes(report) === 0) {
    const why = report.counts.skipped > 0 ? `${report.counts.skipped} records skipped (${report.skipped[0]!.reason}), nothing to import` : `no ${format} records found`;
    throw unsupported(file, why);
  }
  return { ...report, format };
}

interface Run {
  file: string;
  text: string;
  source: string;
  batch: Batch;
  auto: boolean;
  options: ImportFileOptions;
}

async function runImporter(format: InputFormat, run: Run): Promise<ImportReport> {
  const { file, text, source, batch } = run;
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
      return importCsvFile(file, batch, { source, delimiter, ...(columns ? { columns } : {}) }, run.options.onProgress);
    }
    case 'txt':
      return importText(run);
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
function importText({ file, text, source, batch, auto }: Run): ImportReport {
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
