/**
 * CSV and plain-text IOC list importers (`tcbatch convert --from csv|txt`).
 *
 * Every physical input line ends in exactly one place: a blank, comment or header line
 * (`report.ignored`), a line that yields indicators (new ones in `counts.indicators`/`byType`,
 * values already in the batch in `duplicates`), a line in `rejects` (`file:line`, the value, the
 * reason) or, for free text, a line without any indicator in `skipped`. Lines are parsed one at a
 * time (IOC lists never have records that span lines), so a broken quote damages one line only.
 * CSV fields are parsed with `csv-parse`; values are refanged, typed and normalised by
 * `normalize.ts`; the batch builders validate them.
 */
import { readCsvFile, readCsvText, type ByteProgress, type CsvSink } from './csv-records.js';
import type { Batch } from '../batch/batch.js';
import type { GroupBuilder } from '../model/builder.js';
import { addReject, addSkip } from './report.js';
import {
  addToBatch,
  createIndicatorReport,
  detectIndicator,
  isDefanged,
  normalizeHash,
  REGISTRY_KEY,
  splitTags,
  type AddOptions,
  type DetectedIndicator,
  type Hashes,
  type IndicatorImportReport,
} from './normalize.js';

/** A column by 0-based index or by header name (case-insensitive). */
export type Column = number | string;

/** Which CSV columns hold what. Unmapped columns are ignored. */
export interface ColumnMap {
  /** Columns whose values are typed per value (IP, host, URL, email, hash, CIDR, `AS123`). */
  value?: Column | Column[];
  /** Hash columns of one file: a row gives one File with every hash present. */
  md5?: Column;
  /** See {@link ColumnMap.md5}. */
  sha1?: Column;
  /** See {@link ColumnMap.md5}. */
  sha256?: Column;
  /** A host column; with {@link ColumnMap.path} non-empty the row is a URL `scheme://host/path`. */
  host?: Column;
  /** A URL path column, used with {@link ColumnMap.host}. */
  path?: Column;
  /** An AS number column: bare numbers become `ASN` + digits. */
  asn?: Column;
  /** Tags (`#a #b`, `a,b`); each becomes a tag on the row's indicators. */
  tags?: Column;
  /** A Description attribute on the row's indicators. */
  description?: Column;
  /** A Source attribute (a reference link) on the row's indicators. */
  source?: Column;
  /** A file name: an occurrence on the row's File. */
  fileName?: Column;
  /** A User-Agent string column: its cells are User Agent indicators as written (never typed per value). */
  userAgent?: Column;
}

/** Options of both list importers. */
export interface IocListOptions {
  /** Name of the input in `file:line` report entries (default `csv` / `txt`). */
  source?: string;
  /** Tags put on every indicator. */
  tags?: readonly string[];
  /** Groups (builders or xids) every indicator is associated with. */
  groups?: ReadonlyArray<GroupBuilder | string>;
  /** Rating 0-5 of new indicators. */
  rating?: number;
  /** Confidence 0-100 of new indicators. */
  confidence?: number;
  /** Scheme for `host/path` values without one (default `http`). */
  defaultScheme?: string;
}

/** Options of {@link importCsv}. */
export interface CsvImportOptions extends IocListOptions {
  /** Field delimiter (default `,`). */
  delimiter?: string;
  /**
   * `true`: the first record is a header; `false`: there is none; `'auto'` (default): the first
   * record is a header when it names a known column (`value`, `ip`, `domain`, `url`, `md5`,
   * `sha1`, `sha256`, `host`, `path`, `asn`, `tags`, `description`, `comment`, `entity`,
   * `source`, `link`, `filename`...) and none of its fields is an indicator.
   */
  header?: boolean | 'auto';
  /** Column mapping; by default taken from the header, else column 0 is the value. */
  columns?: ColumnMap;
  /** Comment prefix of whole lines, outside of records (default `#`). */
  comment?: string;
}

/** Options of {@link importTxt}. */
export interface TxtImportOptions extends IocListOptions {
  /**
   * Separator between the value and a comment on a line (`HASH;comment`). Default: `;` when the
   * text before the first `;` is an indicator.
   */
  separator?: string;
  /** Put trailing comments (`value # comment`, `value;comment`) in a Description attribute (default true). */
  commentsAsDescription?: boolean;
  /**
   * Free text (reports, appendices): take indicators from anywhere in a line instead of one value a
   * line. Hashes are always taken; hosts, IPs, URLs and emails only when written defanged
   * (`evil[.]com`), since such texts list the malicious values defanged and benign ones as is,
   * unless `fanged: true`. A line `HASH  name` gives a File with an occurrence `name`. Lines
   * without an indicator are reported as skipped.
   */
  extract?: boolean | { fanged?: boolean };
}

const HEADER_NAMES: Record<string, keyof ColumnMap> = {
  value: 'value', indicator: 'value', ioc: 'value', observable: 'value', ip: 'value', ip_address: 'value', ipaddress: 'value',
  address: 'value', domain: 'value', hostname: 'value', url: 'value', email: 'value', cidr: 'value', hash: 'value',
  md5: 'md5', sha1: 'sha1', sha256: 'sha256', host: 'host', path: 'path', asn: 'asn', as: 'asn', as_number: 'asn',
  tags: 'tags', tag: 'tags', labels: 'tags', description: 'description', comment: 'description', entity: 'description',
  source: 'source', reference: 'source', link: 'source', filename: 'fileName', file_name: 'fileName',
  user_agent: 'userAgent', useragent: 'userAgent', 'user-agent': 'userAgent', 'user agent': 'userAgent', ua: 'userAgent', 'c-useragent': 'userAgent',
};

/** Physical lines without their terminators (`\n`, `\r\n`); a final empty line after the last terminator is not a line. */
function lines(text: string): string[] {
  const out = text.split(/\r?\n|\r/);
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

function resolve(col: Column | undefined, header: readonly string[] | undefined): number | undefined {
  if (col === undefined) return undefined;
  if (typeof col === 'number') return col;
  const i = header?.findIndex((h) => h.trim().toLowerCase() === col.toLowerCase()) ?? -1;
  if (i < 0) throw new Error(`column ${JSON.stringify(col)} is not in the header`);
  return i;
}

interface Resolved {
  value: number[];
  md5?: number;
  sha1?: number;
  sha256?: number;
  host?: number;
  path?: number;
  asn?: number;
  tags?: number;
  description?: number;
  source?: number;
  fileName?: number;
  userAgent?: number;
}

function resolveMap(map: ColumnMap, header: readonly string[] | undefined): Resolved {
  const values = map.value === undefined ? [] : Array.isArray(map.value) ? map.value : [map.value];
  const out: Resolved = { value: values.map((c) => resolve(c, header)!) };
  for (const k of ['md5', 'sha1', 'sha256', 'host', 'path', 'asn', 'tags', 'description', 'source', 'fileName', 'userAgent'] as const) {
    const i = resolve(map[k], header);
    if (i !== undefined) out[k] = i;
  }
  return out;
}

function headerMap(fields: readonly string[]): ColumnMap | undefined {
  const map: ColumnMap = {};
  const values: number[] = [];
  fields.forEach((f, i) => {
    const key = HEADER_NAMES[f.trim().toLowerCase()];
    if (!key) return;
    if (key === 'value') values.push(i);
    else if (map[key] === undefined) (map as Record<string, number>)[key] = i;
  });
  if (values.length > 0) map.value = values;
  return Object.keys(map).length > 0 ? map : undefined;
}

function baseAdd(options: IocListOptions): AddOptions {
  return { tags: options.tags, groups: options.groups, rating: options.rating, confidence: options.confidence };
}

/**
 * Import a CSV IOC list into `batch`.
 *
 * The text is parsed as one stream (RFC 4180: a quoted field may span lines) by `csv-parse`
 * (`csv-records.ts`). Whole-line `#` comments (and preambles), blank lines and the header are
 * counted in `report.ignored`. A record whose quoting is broken but readable (a space before an
 * opening quote or after a closing one) is imported and listed in `report.warnings`; a line where
 * a quote opens and never closes, a record with a field count other than the header's (or the
 * first record's), or whose value contains a quote character (a broken quote swallowed a
 * delimiter) is rejected whole. Values are typed per value and normalised (`normalize.ts`);
 * duplicates are merged and counted. `counts.read` counts records plus comment lines.
 * @param text the file content (UTF-8 text; CRLF or LF)
 * @throws Error when a named column is not in the header
 */
export function importCsv(text: string, batch: Batch, options: CsvImportOptions = {}): IndicatorImportReport {
  const { sink, report } = csvSink(batch, options);
  readCsvText(text, sink, { delimiter: options.delimiter, comment: options.comment });
  return report;
}

/**
 * {@link importCsv} on a file read as a stream: memory stays flat whatever the file size (the
 * report and the items are those {@link importCsv} gives for the file's text).
 * @param options also `chunkBytes`: bytes read at a time (default 64 KiB)
 * @param onProgress called with the bytes read so far and the file size
 * @throws Error when the file cannot be read or a named column is not in the header
 */
export async function importCsvFile(file: string, batch: Batch, options: CsvImportOptions & { chunkBytes?: number } = {}, onProgress?: ByteProgress): Promise<IndicatorImportReport> {
  const { sink, report } = csvSink(batch, options);
  await readCsvFile(file, sink, { delimiter: options.delimiter, comment: options.comment, chunkBytes: options.chunkBytes }, onProgress);
  return report;
}

function csvSink(batch: Batch, options: CsvImportOptions): { sink: CsvSink; report: IndicatorImportReport } {
  const src = options.source ?? 'csv';
  const report = createIndicatorReport(src);
  let cols: Resolved | undefined;
  let expected: number | undefined;
  let headerDone = options.header === false;
  const sink: CsvSink = {
    blank() {
      report.counts.read++;
      report.ignored.blank++;
    },
    comment(count) {
      report.counts.read += count;
      report.ignored.comment += count;
    },
    broken(line, raw, reason) {
      report.counts.read++;
      addReject(report, `${src}:${line}`, raw, `broken quoting, line not imported (${reason})`);
    },
    record({ fields, raw, line, repaired }) {
      const where = `${src}:${line}`;
      report.counts.read++;
      if (!headerDone) {
        headerDone = true;
        const map = headerMap(fields);
        const looksLikeData = fields.some((f) => !('error' in detectIndicator(f)));
        if (options.header === true || (map && !looksLikeData)) {
          report.ignored.header++;
          expected = fields.length;
          cols = resolveMap(options.columns ?? map ?? { value: 0 }, fields);
          return;
        }
      }
      cols ??= resolveMap(options.columns ?? { value: 0 }, undefined);
      expected ??= fields.length;
      if (fields.length !== expected) {
        addReject(report, where, raw, `broken quoting or delimiters: ${fields.length} fields where ${expected} are expected`);
        return;
      }
      if (repaired) report.warnings.push({ source: where, value: raw, reason: 'quoting repaired (a space next to a quote)' });
      importRow(fields, cols, batch, report, where, options);
    },
  };
  return { sink, report };
}

function importRow(fields: readonly string[], cols: Resolved, batch: Batch, report: IndicatorImportReport, where: string, options: IocListOptions): void {
  const cell = (i: number | undefined): string => (i === undefined ? '' : (fields[i] ?? '').trim());
  const meta: AddOptions = baseAdd(options);
  if (cols.tags !== undefined) meta.tags = [...(options.tags ?? []), ...splitTags(cell(cols.tags))];
  if (cell(cols.description)) meta.description = cell(cols.description);
  if (cell(cols.source)) meta.sourceAttribute = cell(cols.source);
  const found: Array<{ value: string; indicator?: DetectedIndicator | { type: 'File'; hashes: Hashes }; error?: string }> = [];
  const quoted = (v: string): boolean => v.includes('"');
  // one File from the hash columns
  const hashes: Hashes = {};
  for (const k of ['md5', 'sha1', 'sha256'] as const) {
    const v = cell(cols[k]);
    if (!v) continue;
    const h = normalizeHash(v);
    if (h && h.kind === k) hashes[k] = h.value;
    else found.push({ value: v, error: `not a ${k} (${k === 'md5' ? 32 : k === 'sha1' ? 40 : 64} hex digits)` });
  }
  if (Object.keys(hashes).length > 0) found.push({ value: Object.values(hashes).join(' : '), indicator: { type: 'File', hashes } });
  const host = cell(cols.host);
  if (host) {
    const path = cell(cols.path);
    const value = path ? `${options.defaultScheme ?? 'http'}://${host}${path.startsWith('/') ? '' : '/'}${path}` : host;
    found.push(detected(value, detectIndicator(value, options)));
  }
  const ua = cell(cols.userAgent);
  if (ua) found.push({ value: ua, indicator: { type: 'User Agent', value: ua } });
  const asn = cell(cols.asn);
  if (asn) found.push(detected(asn, detectIndicator(asn, { asn: true })));
  for (const i of cols.value) {
    const v = cell(i);
    if (v) found.push(quoted(v) ? { value: v, error: 'broken quoting: the value contains a quote character' } : detected(v, detectIndicator(v, options)));
  }
  if (found.length === 0) {
    addReject(report, where, fields.join(','), 'no indicator value in the mapped columns');
    return;
  }
  const fileName = cell(cols.fileName);
  for (const f of found) {
    if (f.error || !f.indicator) {
      addReject(report, where, f.value, f.error ?? 'not an indicator');
      continue;
    }
    addToBatch(batch, report, where, f.indicator, f.indicator.type === 'File' && fileName ? { ...meta, fileName } : meta);
  }
}

function detected(value: string, d: ReturnType<typeof detectIndicator>): { value: string; indicator?: DetectedIndicator; error?: string } {
  return 'error' in d ? { value, error: d.error } : { value, indicator: d };
}

const BULLET = /^\s*(?:[-*•]|\d+[.)])\s+/;
/** A comment heading naming an AS (`# AS63949 Linode, LLC`): the AS is an indicator, the rest its description. */
const ASN_HEADING = /^(?:#+|\/\/)\s*AS\s?N?\s?(\d{1,10})\b[\s:,-]*(.*)$/i;
/** A registry key inside text: the hive, `\\`, then up to a tab, back-tick, quote, `|` or the end of the line (then cut by {@link registryKeyInProse}). */
const REGISTRY_KEY_IN_TEXT = /\b(?:HKEY_(?:LOCAL_MACHINE|CURRENT_USER|CLASSES_ROOT|USERS|CURRENT_CONFIG)|HKLM|HKCU|HKCR|HKU|HKCC):?\\[^\t`"'|\r\n]+/gi;

/**
 * The registry key at the start of `run` (a {@link REGISTRY_KEY_IN_TEXT} match), cut where the
 * prose goes on: a key or value name may hold spaces (`Windows NT`, `Image File Execution Options`),
 * so a part goes on after a space while the next word starts with a capital or a digit, and ends
 * before any other word, or after a word that ends a clause (`,` `.` `;` `:` `)`), whose mark is
 * dropped. `...\CurrentVersion\Run with a value name, and ...` gives `...\CurrentVersion\Run`.
 */
function registryKeyInProse(run: string): string {
  const parts = run.split('\\');
  const kept: string[] = [parts[0]!];
  for (const part of parts.slice(1)) {
    const words = part.split(' ');
    let name = words[0]!;
    let cut = /[,.;:)]$/.test(name);
    for (const w of words.slice(1)) {
      if (cut || !/^[A-Z0-9]/.test(w)) {
        cut = true;
        break;
      }
      name += ` ${w}`;
      cut = /[,.;:)]$/.test(w);
    }
    kept.push(name);
    if (cut) break;
  }
  return kept.join('\\').replace(/[,.;:!?)]+$/, '');
}
const unquote = (v: string): string => v.replace(/^`+|`+$/g, '');

/**
 * One list line into its value and its comment: `value # comment`, `value;comment` (when the
 * text before `;` is an indicator, or with an explicit separator), `value,label` (when the text
 * before `,` is an indicator), `value<TAB>columns`, `value words`. A registry key line keeps its
 * spaces (`HKLM\Software\My App`): its value ends at a tab or ` #`. Back-ticks around the value
 * (Markdown) are removed.
 */
export function splitListLine(body: string, separator?: string): { value: string; comment: string } {
  const comments: string[] = [];
  const hash = /\s+#\s*(.*)$/.exec(body);
  if (hash) {
    comments.push(hash[1]!.trim());
    body = body.slice(0, hash.index);
  }
  const tab = body.indexOf('\t');
  if (tab > 0) {
    comments.unshift(...body.slice(tab + 1).split('\t').map((c) => c.trim()).filter(Boolean));
    body = body.slice(0, tab);
  }
  body = unquote(body.trim());
  if (REGISTRY_KEY.test(body)) return { value: body, comment: comments.join(' ') };
  for (const sep of separator !== undefined ? [separator] : [';', ',']) {
    const at = body.indexOf(sep);
    if (at > 0 && (separator !== undefined || !('error' in detectIndicator(unquote(body.slice(0, at).trim()))))) {
      comments.unshift(body.slice(at + sep.length).trim());
      body = body.slice(0, at);
      break;
    }
  }
  const [value = '', ...rest] = body.trim().split(/\s+/);
  if (rest.length > 0) comments.unshift(rest.join(' '));
  return { value: unquote(value), comment: comments.filter(Boolean).join(' ') };
}

/**
 * Import a plain-text IOC list into `batch`: one value a line (`value`, `value # comment`,
 * `HASH;comment`, `ip:port`, `host/path`), `#` and `//` comment lines, blank lines, list bullets
 * (`- `, `* `); with {@link TxtImportOptions.extract} free text. Values are refanged, typed and
 * normalised (`normalize.ts`); a line whose value is not an indicator is a reject line;
 * duplicates are merged and counted.
 * @param text the file content (UTF-8 text; CRLF, LF or mixed)
 */
export function importTxt(text: string, batch: Batch, options: TxtImportOptions = {}): IndicatorImportReport {
  const src = options.source ?? 'txt';
  const report = createIndicatorReport(src);
  const withComments = options.commentsAsDescription ?? true;
  const all = lines(text);
  for (let n = 0; n < all.length; n++) {
    const raw = all[n]!;
    const where = `${src}:${n + 1}`;
    report.counts.read++;
    const line = raw.trim();
    if (line === '') {
      report.ignored.blank++;
      continue;
    }
    if (line.startsWith('#') || line.startsWith('//')) {
      const asn = ASN_HEADING.exec(line);
      if (asn) addToBatch(batch, report, where, { type: 'ASN', value: `ASN${parseInt(asn[1]!, 10)}` }, { ...baseAdd(options), description: withComments && asn[2] ? asn[2].trim() : undefined });
      else report.ignored.comment++;
      continue;
    }
    if (options.extract) {
      extractLine(line.replace(BULLET, ''), batch, report, where, options, typeof options.extract === 'object' && options.extract.fanged === true);
      continue;
    }
    const { value, comment } = splitListLine(line.replace(BULLET, ''), options.separator);
    const d = detectIndicator(value, options);
    if ('error' in d) {
      addReject(report, where, value, d.error);
      continue;
    }
    addToBatch(batch, report, where, d, { ...baseAdd(options), description: withComments && comment ? comment : undefined });
  }
  return report;
}

function extractLine(line: string, batch: Batch, report: IndicatorImportReport, where: string, options: TxtImportOptions, fanged: boolean): void {
  const found: DetectedIndicator[] = [];
  let fileName: string | undefined;
  const hashLine = /^([0-9A-Fa-f]{32}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})\s+(\S.*)$/.exec(line);
  let rejected = 0;
  // values marked as such are taken even when written fanged: registry keys (spaces and all),
  // `back-ticked` values (Markdown/AsciiDoc tables) and the first column of a tab-separated line
  const marked = new Set<string>();
  // (the prose after a key is searched again, for more keys and the other values)
  const takeKeys = (text: string): string =>
    text.replace(REGISTRY_KEY_IN_TEXT, (run) => {
      const key = registryKeyInProse(run);
      marked.add(key);
      return ` ${takeKeys(run.slice(key.length))}`;
    });
  let rest = takeKeys(line);
  rest = rest.replace(/`([^`\n]+)`/g, (_m, v: string) => {
    marked.add(v.trim());
    return ' ';
  });
  if (rest.includes('\t')) {
    const first = rest.split('\t')[0]!.trim();
    if (first && !/\s/.test(first)) {
      marked.add(first);
      rest = rest.slice(rest.indexOf('\t'));
    }
  }
  const tokens = [...[...marked].map((t) => ({ t, sure: true })), ...rest.split(/[\s|]+/).map((t) => ({ t, sure: false }))];
  for (const { t: token, sure } of tokens) {
    // prose punctuation around a value: `(evil[.]com)`, `at evil[.]com.`, `1.2.3.4, then`
    const t = sure ? token : token.replace(/^[("'<,;]+|[)"'>,;:.!?]+$/g, '');
    if (!t) continue;
    const hash = /^(?:[0-9A-Fa-f]{32}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$/.test(t);
    if (!hash && !sure && !isDefanged(t) && !fanged) continue;
    if (sure && !hash && !isDefanged(t) && 'error' in detectIndicator(t, options)) continue;
    const d = detectIndicator(t, options);
    if ('error' in d) {
      if (isDefanged(t)) {
        addReject(report, where, t, d.error);
        rejected++;
      }
      continue;
    }
    found.push(d);
  }
  if (hashLine && found.length === 1 && found[0]!.type === 'File') fileName = hashLine[2]!.trim();
  if (found.length === 0) {
    if (rejected === 0) addSkip(report, where, 'no indicator in the line');
    return;
  }
  for (const d of found) addToBatch(batch, report, where, d, { ...baseAdd(options), fileName: d.type === 'File' ? fileName : undefined });
}
