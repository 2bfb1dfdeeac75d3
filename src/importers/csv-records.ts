/**
 * CSV records of a whole text or file, parsed as one stream by csv-parse (RFC 4180: quoted fields
 * may span lines, `""` is a quote), each with the 1-based line it starts on and its raw text.
 *
 * Tolerant of the broken rows real feeds have: spaces next to quotes are trimmed (the record is
 * flagged `repaired`), a quote inside an unquoted field is kept as text, rows of any width are
 * returned (the importer judges widths). A quote that is opened and never closed would swallow the
 * rest of the file: the line where it opens is reported broken and parsing resumes on the next line.
 * Comment lines (`#` at the start of a line) and blank lines are counted, not returned.
 */
import { createReadStream, statSync } from 'node:fs';
import { parse as parseStream, type Options } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';

/** One CSV record. */
export interface CsvRecord {
  fields: string[];
  /** The record as written (without comment lines before it). */
  raw: string;
  /** 1-based line where the record starts. */
  line: number;
  /** Spaces around a quote were trimmed to read it. */
  repaired: boolean;
}

/** What the reader reports besides records. */
export interface CsvSink {
  record(r: CsvRecord): void;
  blank(line: number): void;
  comment(count: number): void;
  /** A line that cannot be read as CSV (an unclosed quote opens on it). */
  broken(line: number, raw: string, reason: string): void;
}

/** Reader options. */
export interface CsvReadOptions {
  /** Field delimiter (default `,`). */
  delimiter?: string;
  /** Comment prefix of whole lines (default `#`). */
  comment?: string;
  /** Files: bytes read at a time (default 64 KiB). */
  chunkBytes?: number;
}

/** Bytes read so far and the file size, for a progress bar. */
export type ByteProgress = (bytesRead: number, totalBytes: number) => void;

function csvOptions(o: CsvReadOptions): Options {
  return {
    delimiter: o.delimiter ?? ',',
    comment: o.comment ?? '#',
    comment_no_infix: true,
    relax_quotes: true,
    relax_column_count: true,
    ltrim: true,
    rtrim: true,
    skip_records_with_error: true,
    raw: true,
    info: true,
    bom: true,
  };
}

const REPAIRED = /(?:^|[,;\t|])[ \t]+"|"[ \t]+(?:[,;\t|]|\r?\n?$)/;

interface Parsed {
  record: string[];
  raw: string;
  info: { lines: number; comment_lines: number };
}

/** Turns csv-parse output into sink calls; tracks lines across comment lines and recoveries. */
class Tracker {
  lastEnd: number;
  comments = 0;
  constructor(
    readonly sink: CsvSink,
    readonly lineOffset: number,
  ) {
    this.lastEnd = lineOffset;
  }
  onRecord(p: Parsed): void {
    const delta = p.info.comment_lines - this.comments;
    this.comments = p.info.comment_lines;
    if (delta > 0) this.sink.comment(delta);
    let raw = p.raw;
    for (let i = 0; i < delta; i++) raw = raw.slice(raw.indexOf('\n') + 1);
    const end = p.info.lines + this.lineOffset;
    const inner = (raw.match(/\n/g)?.length ?? 0) - (raw.endsWith('\n') ? 1 : 0);
    const line = end - inner;
    this.lastEnd = end;
    if (p.record.length === 1 && p.record[0] === '' && raw.trim() === '') this.sink.blank(line);
    else this.sink.record({ fields: p.record, raw: raw.replace(/[\r\n]+$/, ''), line, repaired: REPAIRED.test(raw) });
  }
  /** An unclosed quote: returns the text after the broken line to parse again, and its line offset. */
  onUnclosed(raw: string): { rest: string; offset: number } {
    let text = raw;
    let line = this.lastEnd + 1;
    while (/^[ \t]*(?:#|\r?\n)/.test(text) && text.includes('\n')) {
      if (text.trimStart().startsWith('#')) this.sink.comment(1);
      else this.sink.blank(line);
      text = text.slice(text.indexOf('\n') + 1);
      line++;
    }
    const nl = text.indexOf('\n');
    const first = nl < 0 ? text : text.slice(0, nl);
    this.sink.broken(line, first.replace(/\r$/, ''), 'a quote opened on this line is never closed');
    return { rest: nl < 0 ? '' : text.slice(nl + 1), offset: line };
  }
}

function parserOptions(tracker: Tracker, options: CsvReadOptions, onUnclosed: (raw: string) => void): Options {
  return {
    ...csvOptions(options),
    on_record: (r) => {
      tracker.onRecord(r as unknown as Parsed);
      return undefined;
    },
    on_skip: (err) => {
      const e = err as unknown as { code?: string; raw?: string; message: string } | undefined;
      if (e?.code === 'CSV_QUOTE_NOT_CLOSED' && typeof e.raw === 'string') onUnclosed(e.raw);
      else tracker.sink.broken(tracker.lastEnd + 1, String(e?.raw ?? ''), `${e?.code ?? 'CSV_ERROR'}: ${e?.message}`);
    },
  };
}

/** Read CSV text (all in memory) into `sink`. */
export function readCsvText(text: string, sink: CsvSink, options: CsvReadOptions = {}, lineOffset = 0): void {
  const tracker = new Tracker(sink, lineOffset);
  let pending: string | undefined;
  parseSync(text, parserOptions(tracker, options, (raw) => (pending = raw)));
  if (pending === undefined) return;
  const { rest, offset } = tracker.onUnclosed(pending);
  if (rest !== '') readCsvText(rest, sink, options, offset);
}

/**
 * Read a CSV file as a stream into `sink` (memory stays flat whatever the file size).
 * @param onProgress called with bytes read after each chunk of the file
 * @throws the file system error when the file cannot be read
 */
export async function readCsvFile(file: string, sink: CsvSink, options: CsvReadOptions = {}, onProgress?: ByteProgress): Promise<void> {
  const total = statSync(file).size;
  const tracker = new Tracker(sink, 0);
  let pending: string | undefined;
  const parser = parseStream(parserOptions(tracker, options, (raw) => (pending = raw)));
  const input = createReadStream(file, options.chunkBytes ? { highWaterMark: options.chunkBytes } : {});
  let read = 0;
  input.on('data', (chunk) => {
    read += chunk.length;
    onProgress?.(read, total);
  });
  await new Promise<void>((resolve, reject) => {
    input.on('error', reject);
    parser.on('error', reject);
    parser.on('end', resolve);
    parser.resume();
    input.pipe(parser);
  });
  if (pending === undefined) return;
  const { rest, offset } = tracker.onUnclosed(pending);
  if (rest !== '') readCsvText(rest, sink, options, offset);
}
