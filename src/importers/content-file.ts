/**
 * Reading batch content files for the CLI: a batch content JSON object (`{group, indicator,
 * association}`), a single group or indicator object, a JSON array of them, or NDJSON (one group
 * or indicator per line). Each item keeps where it came from (file, line or JSON pointer).
 */
import { readFileSync } from 'node:fs';
import { TcBatchError } from '../errors.js';
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
  const trimmed = text.trim();
  const isNdjson = /\.(ndjson|jsonl)$/i.test(file) || (trimmed.startsWith('{') && /}\s*\n\s*{/.test(trimmed) && !trimmed.startsWith('{\n'));
  if (isNdjson) {
    const items: ContentItem[] = [];
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      const data = parseJson(file, line, i) as Record<string, unknown>;
      if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ContentFileError(file, `line ${i + 1} is not a JSON object`);
      items.push({ kind: kindOf(data), data, source: `${file}:${i + 1}` });
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
