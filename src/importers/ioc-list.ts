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
import { parse } from 'csv-parse/sync';
import type { Batch } from '../batch/batch.js';
import type { GroupBuilder } from '../model/builder.js';
import { addReject, addSkip } from './report.js';
import {
  addToBatch,
  createIndicatorReport,
  detectIndicator,
  isDefanged,
  normalizeHash,
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
};

/** Physical lines without their terminators (`\n`, `\r\n`); a final empty line after the last terminator is not a line. */
function lines(text: string): string[] {
  const out = text.split(/\r?\n|\r/);
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

function parseLine(line: string, delimiter: string): { fields?: string[]; repaired?: string; error?: string } {
  const strict = { delimiter, relax_column_count: true, bom: true } as const;
  try {
    return { fields: (parse(line, strict) as string[][])[0] ?? [] };
  } catch (err) {
    const reason = `${(err as { code?: string }).code ?? 'CSV_ERROR'}: ${(err as Error).message}`;
    try {
      const fields = (parse(line, { ...strict, ltrim: true, rtrim: true, relax_quotes: true }) as string[][])[0] ?? [];
      return { fields, repaired: reason };
    } catch {
      return { error: reason };
    }
  }
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
}

function resolveMap(map: ColumnMap, header: readonly string[] | undefined): Resolved {
  const values = map.value === undefined ? [] : Array.isArray(map.value) ? map.value : [map.value];
  const out: Resolved = { value: values.map((c) => resolve(c, header)!) };
  for (const k of ['md5', 'sha1', 'sha256', 'host', 'path', 'asn', 'tags', 'description', 'source', 'fileName'] as const) {
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
 * Whole-line `#` comments (and preambles), blank lines and the header are counted in
 * `report.ignored`. Each other line is parsed alone with `csv-parse`; a line whose quoting is
 * broken but recoverable (a space before an opening quote or after a closing one, a stray quote)
 * is parsed relaxed and listed in `report.warnings`; a line that cannot be parsed, has a field
 * count other than the header's (or the first record's), or whose value contains a quote
 * character (a broken quote swallowed a delimiter) is rejected whole. Values are typed per value
 * and normalised (`normalize.ts`); duplicates are merged and counted.
 * @param text the file content (UTF-8 text; CRLF or LF)
 * @throws Error when a named column is not in the header
 */
export function importCsv(text: string, batch: Batch, options: CsvImportOptions = {}): IndicatorImportReport {
  const src = options.source ?? 'csv';
  const report = createIndicatorReport(src);
  const delimiter = options.delimiter ?? ',';
  const comment = options.comment ?? '#';
  let cols: Resolved | undefined;
  let expected: number | undefined;
  let headerDone = options.header === false;
  const all = lines(text);
  for (let n = 0; n < all.length; n++) {
    const line = all[n]!;
    const where = `${src}:${n + 1}`;
    report.counts.read++;
    if (line.trim() === '') {
      report.ignored.blank++;
      continue;
    }
    if (line.trimStart().startsWith(comment)) {
      report.ignored.comment++;
      continue;
    }
    const parsed = parseLine(line, delimiter);
    if (!parsed.fields) {
      addReject(report, where, line, `broken quoting, line not imported (${parsed.error})`);
      continue;
    }
    const fields = parsed.fields;
    if (!headerDone) {
      headerDone = true;
      const map = headerMap(fields);
      const looksLikeData = fields.some((f) => !('error' in detectIndicator(f)));
      if (options.header === true || (map && !looksLikeData)) {
        report.ignored.header++;
        expected = fields.length;
        cols = resolveMap(options.columns ?? map ?? { value: 0 }, fields);
        continue;
      }
    }
    cols ??= resolveMap(options.columns ?? { value: 0 }, undefined);
    expected ??= fields.length;
    if (fields.length !== expected) {
      addReject(report, where, line, `broken quoting or delimiters: ${fields.length} fields where ${expected} are expected`);
      continue;
    }
    if (parsed.repaired) report.warnings.push({ source: where, value: line, reason: `quoting repaired (${parsed.repaired})` });
    importRow(fields, cols, batch, report, where, options);
  }
  return report;
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
      report.ignored.comment++;
      continue;
    }
    if (options.extract) {
      extractLine(line.replace(BULLET, ''), batch, report, where, options, typeof options.extract === 'object' && options.extract.fanged === true);
      continue;
    }
    let body = line.replace(BULLET, '');
    let comment = '';
    const hash = /\s+#\s*(.*)$/.exec(body);
    if (hash) {
      comment = hash[1]!.trim();
      body = body.slice(0, hash.index);
    }
    const sep = options.separator ?? ';';
    const at = body.indexOf(sep);
    if (at > 0 && (options.separator !== undefined || !('error' in detectIndicator(body.slice(0, at))))) {
      comment = [body.slice(at + sep.length).trim(), comment].filter(Boolean).join(' ');
      body = body.slice(0, at);
    }
    const [value = '', ...rest] = body.trim().split(/\s+/);
    if (rest.length > 0) comment = [rest.join(' '), comment].filter(Boolean).join(' ');
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
  for (const token of line.split(/\s+/)) {
    const t = token.replace(/^[("'<,;]+|[)"'>,;:]+$/g, '');
    if (!t) continue;
    const hash = /^(?:[0-9A-Fa-f]{32}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$/.test(t);
    if (!hash && !isDefanged(t) && !fanged) continue;
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
