/**
 * Reading batch content files for the CLI: a batch content JSON object (`{group, indicator,
 * association}`), a single group or indicator object, a JSON array of them, or NDJSON (one group
 * or indicator per line). Each item keeps where it came from (file, line or JSON pointer).
 */
import { readFileSync } from 'node:fs';
import { TcBatchError } from '../errors.js';
import { FileRanges, fileLineBatches, readHead, scanNonBlankLines, type BytesRead } from './file-input.js';
import { JsonSyntaxError, parseJsonText } from './json-text.js';
import { groupTypes, indicatorTypes } from '../../generated/catalog.js';

/** One group, indicator or association read from a file. */
export interface ContentItem {
  kind: 'group' | 'indicator' | 'association';
  data: Record<string, unknown>;
  /** `file.json#/indicator/3` or `file.ndjson:12`. */
  source: string;
}

/** A content file that cannot be read or parsed. */
export class ContentFileError extends TcBatchError {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super('TCB_CONTENT_FILE', `${file}: ${message}`);
  }
}

export { lineColumn } from './json-text.js';

function parseJson(file: string, text: string, lineOffset = 0): unknown {
  try {
    return parseJsonText(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw new ContentFileError(file, `invalid JSON at line ${e.line + lineOffset}, column ${e.column}: ${e.problem}`);
  }
}

/** Group or indicator, by its `type` (unknown types count as indicators: the validators report them). */
export function kindOf(data: Record<string, unknown>): 'group' | 'indicator' {
  if (!data || typeof data !== 'object') return 'indicator';
  return typeof data.type === 'string' && data.type in groupTypes ? 'group' : typeof data.type === 'string' && data.type in indicatorTypes ? 'indicator' : 'summary' in data ? 'indicator' : 'name' in data ? 'group' : 'indicator';
}

/**
 * Read one file into items.
 * @returns the items and whether the file was a whole content object (validated as such)
 * @throws ContentFileError for an unreadable file or invalid JSON (with line and column)
 */
export function readContentFile(file: string): { items: ContentItem[]; content?: Record<string, unknown> } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ContentFileError(file, (e as Error).message);
  }
  if (isNdjson(file, text.trim())) {
    const items: ContentItem[] = [];
    text.split('\n').forEach((line, i) => {
      const item = lineItem(file, line, i + 1);
      if (item) items.push(item);
    });
    return { items };
  }
  const parsed = parseJson(file, text);
  if (Array.isArray(parsed)) {
    return { items: parsed.map((d, i) => ({ kind: kindOf(d as Record<string, unknown>), data: d as Record<string, unknown>, source: `${file}#/${i}` })) };
  }
  if (!parsed || typeof parsed !== 'object') throw new ContentFileError(file, 'expected a JSON object or array');
  const obj = parsed as Record<string, unknown>;
  if ('group' in obj || 'indicator' in obj || 'association' in obj) {
    const items: ContentItem[] = [];
    for (const kind of ['group', 'indicator', 'association'] as const) {
      const list = obj[kind];
      if (Array.isArray(list)) list.forEach((d, i) => items.push({ kind, data: d as Record<string, unknown>, source: `${file}#/${kind}/${i}` }));
    }
    return { items, content: obj };
  }
  return { items: [{ kind: kindOf(obj), data: obj, source: file }] };
}

/** NDJSON rather than one JSON document: by extension, or objects one a line (`}` line break `{`). */
function isNdjson(file: string, trimmed: string): boolean {
  return /\.(ndjson|jsonl)$/i.test(file) || (trimmed.startsWith('{') && /}\s*\n\s*{/.test(trimmed) && !trimmed.startsWith('{\n'));
}

/**
 * Whether a content file is NDJSON, from its first megabyte when that decides it (undefined when
 * only the whole text can tell: the file is then one JSON document read whole).
 */
export function sniffNdjson(file: string): boolean | undefined {
  if (/\.(ndjson|jsonl)$/i.test(file)) return true;
  let head: ReturnType<typeof readHead>;
  try {
    head = readHead(file);
  } catch (e) {
    throw new ContentFileError(file, (e as Error).message);
  }
  const trimmed = head.complete ? head.text.trim() : head.text.trimStart();
  if (head.complete) return isNdjson(file, trimmed);
  if (trimmed === '') return undefined;
  if (!trimmed.startsWith('{') || trimmed.startsWith('{\n')) return false;
  const m = /}\s*\n\s*{/.exec(trimmed);
  return m && m.index + m[0].length < trimmed.length ? true : undefined;
}

/** The item of one NDJSON line (1-based `number`), undefined for a blank line. @throws ContentFileError */
function lineItem(file: string, line: string, number: number): ContentItem | undefined {
  if (line.trim() === '') return undefined;
  const data = parseJson(file, line, number - 1) as Record<string, unknown>;
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ContentFileError(file, `line ${number} is not a JSON object`);
  return { kind: kindOf(data), data, source: `${file}:${number}` };
}

/** Where an NDJSON record is: its file, line number and bytes. */
export interface LineHandle {
  file: number;
  number: number;
  offset: number;
  length: number;
}

/**
 * The items of content files one at a time, readable again (a `RecordSource` for
 * `importRecordStream`): NDJSON files line by line, other files whole (`readContentFile`). Items are
 * those `readContentFile` gives, in the same order, with the same sources.
 * @param label the source name of each file's items instead of its path (as `importFile` names them)
 */
export function contentSource(files: readonly string[], options: { onBytes?: (file: string, bytesRead: number, totalBytes: number, pass: number) => void; chunkBytes?: number; label?: (file: string) => string } = {}) {
  const ndjson = files.map((f) => sniffNdjson(f) === true);
  const whole = new Map<number, ContentItem[]>();
  const label = (i: number, item: ContentItem): ContentItem => (options.label ? { ...item, source: item.source.replace(files[i]!, options.label(files[i]!)) } : item);
  const wholeItems = (i: number): ContentItem[] => {
    let items = whole.get(i);
    if (!items) whole.set(i, (items = readContentFile(files[i]!).items.map((it) => label(i, it))));
    return items;
  };
  const lines = (i: number, pass: number) => {
    const onBytes: BytesRead | undefined = options.onBytes ? (b, t) => options.onBytes!(files[i]!, b, t, pass) : undefined;
    return fileLineBatches(files[i]!, { chunkBytes: options.chunkBytes, onBytes });
  };
  return {
    async *records(pass: number): AsyncGenerator<ContentItem> {
      for (let i = 0; i < files.length; i++) {
        if (!ndjson[i]) {
          yield* wholeItems(i);
          continue;
        }
        for await (const batch of lines(i, pass)) {
          for (const l of batch) {
            const item = lineItem(files[i]!, l.text, l.number);
            if (item) yield label(i, item);
          }
        }
      }
    },
    async handles(positions: readonly number[]): Promise<Array<LineHandle | ContentItem>> {
      const out: Array<LineHandle | ContentItem> = [];
      let position = -1;
      let next = 0;
      for (let i = 0; i < files.length && next < positions.length; i++) {
        if (!ndjson[i]) {
          for (const item of wholeItems(i)) if (++position === positions[next]) (out.push(item), next++);
          continue;
        }
        await scanNonBlankLines(
          files[i]!,
          (number, offset, length) => {
            if (++position !== positions[next]) return false;
            out.push({ file: i, number, offset, length });
            return ++next === positions.length;
          },
          { chunkBytes: options.chunkBytes },
        );
      }
      return out;
    },
    read(handle: LineHandle | ContentItem): ContentItem {
      if (!('offset' in handle)) return handle;
      const ranges = new FileRanges(files[handle.file]!);
      try {
        return label(handle.file, lineItem(files[handle.file]!, ranges.text(handle.offset, handle.length), handle.number)!);
      } finally {
        ranges.close();
      }
    },
  };
}
