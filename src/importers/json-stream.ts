/**
 * The elements of a large JSON array (a top-level array, or the `objects` array of a STIX bundle)
 * without the whole document in memory. One streaming pass with `@streamparser/json`
 * checks the syntax, hands each element to a callback and records where each element is in the file
 * (16 bytes an element); later passes read the elements back from those byte ranges with
 * `JSON.parse`, so every pass after the first is as fast as parsing the elements one by one.
 */
import { Tokenizer, TokenParser, TokenType } from '@streamparser/json';
import { fileChunks, CHUNK_BYTES, type BytesRead } from './file-input.js';
import { JsonSyntaxError, MAX_JSON_DEPTH } from './json-text.js';
import { TcBatchError } from '../errors.js';
import { createReadStream } from 'node:fs';

/** The elements of a JSON array in a file, by position. */
export interface JsonElements {
  /** Number of elements. */
  count: number;
  /** Byte offset where element `i` starts (objects and arrays); NaN for a primitive element. */
  starts: Float64Array;
  /** Byte offset after element `i` ends (objects and arrays). */
  ends: Float64Array;
  /** Elements that are not objects or arrays, by position. */
  primitives: Map<number, unknown>;
  /** The root object's `type` member (a bundle's `"bundle"`), when the root is an object. */
  root?: { type?: unknown };
  /** The root object has more than one `objects` member, or `objects` is not an array. */
  irregular: boolean;
}

/** Options of {@link indexJsonElements}. */
export interface IndexOptions {
  /** `array`: the elements of a top-level array; `objects`: of the root object's `objects` array. */
  of: 'array' | 'objects';
  /** Called with each element as the streaming parser built it (used for an index pass). */
  onElement?: (value: unknown, position: number) => void;
  onBytes?: BytesRead;
  chunkBytes?: number;
}

class Spans {
  starts = new Float64Array(1024);
  ends = new Float64Array(1024);
  count = 0;
  push(start: number, end: number): void {
    if (this.count === this.starts.length) {
      const s = new Float64Array(this.count * 2);
      s.set(this.starts);
      this.starts = s;
      const e = new Float64Array(this.count * 2);
      e.set(this.ends);
      this.ends = e;
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }
}

const OPEN = new Set([TokenType.LEFT_BRACE, TokenType.LEFT_BRACKET]);
const CLOSE = new Set([TokenType.RIGHT_BRACE, TokenType.RIGHT_BRACKET]);

/** A streaming parse failed at byte `offset` (the STIX importer turns it into a {@link JsonSyntaxError} with line and column). */
export class StreamSyntaxError extends TcBatchError {
  constructor(
    readonly offset: number,
    /** The streaming parser's own words. */
    readonly problem: string,
  ) {
    super('TCB_JSON_SYNTAX', `invalid JSON at byte ${offset}: ${problem}`);
  }
}

/**
 * Index the elements of a JSON array in `file` in one streaming pass.
 * @throws StreamSyntaxError for invalid JSON (at a byte offset); JsonSyntaxError when the document
 *   is nested deeper than {@link MAX_JSON_DEPTH} (as `parseJsonText` refuses it)
 */
export async function indexJsonElements(file: string, options: IndexOptions): Promise<JsonElements> {
  const spans = new Spans();
  const primitives = new Map<number, unknown>();
  const elemDepth = options.of === 'array' ? 1 : 2;
  let depth = 0;
  let maxDepth = 0;
  let inElements = false;
  let start = -1;
  // root object members (options.of === 'objects')
  let expectKey = false;
  let key: string | undefined;
  let objectsSeen = 0;
  let irregular = false;
  const root: { type?: unknown } | undefined = options.of === 'objects' ? {} : undefined;

  const tokenizer = new Tokenizer();
  const parser = new TokenParser({ paths: [options.of === 'array' ? '$.*' : '$.objects.*'], keepStack: false });
  let position = 0;
  parser.onValue = ({ value }) => {
    // (a path that matched `objects` itself would keep every element to emit it whole)
    if (!inElements) return; // the members of an `objects` that is not an array
    options.onElement?.(value, position++);
  };
  let lastOffset = 0;
  tokenizer.onToken = (t) => {
    const { token, offset } = t;
    lastOffset = offset;
    if (OPEN.has(token)) {
      if (depth === 0) {
        if (options.of === 'objects') expectKey = token === TokenType.LEFT_BRACE;
        else inElements = token === TokenType.LEFT_BRACKET;
      } else if (depth === 1 && options.of === 'objects' && !expectKey) {
        if (key === 'type') root!.type = undefined; // not a string
        else if (key === 'objects') {
          if (++objectsSeen > 1 || token !== TokenType.LEFT_BRACKET) irregular = true;
          else inElements = true;
        }
      }
      if (inElements && depth === elemDepth) start = offset;
      depth++;
      if (depth > maxDepth) maxDepth = depth;
    } else if (CLOSE.has(token)) {
      depth--;
      if (inElements && depth === elemDepth && start >= 0) {
        spans.push(start, offset + 1);
        start = -1;
      }
      if (inElements && depth === elemDepth - 1) inElements = false;
    } else if (depth === 1 && options.of === 'objects') {
      if (token === TokenType.STRING && expectKey) {
        key = t.value as string;
        expectKey = false;
      } else if (token === TokenType.COMMA) expectKey = true;
      else if (key === 'type' && token !== TokenType.COLON) root!.type = t.value; // the last one wins, as in JSON.parse
      else if (token !== TokenType.COLON && key === 'objects') irregular = true; // `objects` is a primitive
    } else if (inElements && depth === elemDepth && token !== TokenType.COMMA) {
      primitives.set(spans.count, t.value);
      spans.push(NaN, NaN);
    }
    parser.write(t);
  };
  const at = (e: Error): number => {
    const m = /absolute position "(\d+)"/.exec(e.message);
    return m ? Number(m[1]) : lastOffset;
  };
  tokenizer.onError = (e) => {
    throw new StreamSyntaxError(at(e), e.message);
  };
  parser.onError = (e) => {
    throw new StreamSyntaxError(lastOffset, e.message);
  };
  parser.onEnd = () => {
    if (!tokenizer.isEnded) tokenizer.end();
  };
  let bytes = 0;
  try {
    for await (const chunk of fileChunks(file, { chunkBytes: options.chunkBytes ?? CHUNK_BYTES, onBytes: options.onBytes })) {
      bytes += chunk.length;
      if (tokenizer.isEnded) {
        // only whitespace may follow the document
        if (/\S/.test(chunk.toString('latin1'))) throw new StreamSyntaxError(bytes - chunk.length, 'end of file expected');
        continue;
      }
      tokenizer.write(chunk);
    }
    if (!tokenizer.isEnded) tokenizer.end();
  } catch (e) {
    if (e instanceof StreamSyntaxError) throw e;
    throw new StreamSyntaxError(bytes, (e as Error).message);
  }
  if (maxDepth > MAX_JSON_DEPTH) throw new JsonSyntaxError(1, 1, 0, `nested deeper than ${MAX_JSON_DEPTH} levels`);
  return { count: spans.count, starts: spans.starts, ends: spans.ends, primitives, root, irregular: irregular || (options.of === 'objects' && objectsSeen === 0) };
}

/**
 * The elements of an indexed array in order, parsed with `JSON.parse` from their bytes (the file is
 * read sequentially in chunks; elements not wanted are skipped without parsing).
 * @param wanted positions to parse (default all); others yield nothing
 */
export async function* readElements(file: string, index: JsonElements, options: { chunkBytes?: number; onBytes?: BytesRead; wanted?: (position: number) => boolean } = {}): AsyncGenerator<{ value: unknown; position: number }> {
  const { starts, ends, count } = index;
  const want = (p: number) => !options.wanted || options.wanted(p);
  let pos = 0;
  const primitivesHere = function* (): Generator<{ value: unknown; position: number }> {
    for (; pos < count && Number.isNaN(starts[pos]!); pos++) if (want(pos)) yield { value: index.primitives.get(pos), position: pos };
  };
  yield* primitivesHere();
  if (pos >= count) return;
  let parts: Buffer[] = [];
  let partsStart = 0; // file offset of parts[0][0]
  let partsLength = 0;
  let fileOffset = 0;
  for await (const chunk of fileChunks(file, { chunkBytes: options.chunkBytes ?? CHUNK_BYTES, onBytes: options.onBytes })) {
    if (parts.length === 0) partsStart = fileOffset;
    fileOffset += chunk.length;
    parts.push(chunk);
    partsLength += chunk.length;
    for (;;) {
      yield* primitivesHere();
      if (pos >= count) return;
      const end = ends[pos]!;
      if (end > partsStart + partsLength) break;
      if (parts.length > 1) parts = [Buffer.concat(parts)];
      if (want(pos)) yield { value: JSON.parse(parts[0]!.toString('utf8', starts[pos]! - partsStart, end - partsStart)) as unknown, position: pos };
      pos++;
    }
    // drop the bytes before the next element
    const next = starts[pos]!;
    while (parts.length > 0 && partsStart + parts[0]!.length <= next) {
      partsStart += parts[0]!.length;
      partsLength -= parts[0]!.length;
      parts.shift();
    }
    if (parts.length > 0 && next > partsStart) {
      const cut = next - partsStart;
      parts[0] = parts[0]!.subarray(cut);
      partsStart = next;
      partsLength -= cut;
    }
  }
}

/**
 * Line and column (1-based; the column in UTF-16 code units, as `lineColumn` counts them in text)
 * of byte `offset` of a file, counted in one streaming pass.
 */
export async function lineColumnOfByte(file: string, offset: number): Promise<{ line: number; column: number }> {
  let line = 1;
  let units = 0;
  if (offset <= 0) return { line, column: 1 };
  for await (const chunk of createReadStream(file, { end: offset - 1 }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === 10) {
        line++;
        units = 0;
      } else if ((b & 0xc0) !== 0x80) units += b >= 0xf0 ? 2 : 1;
    }
  }
  return { line, column: units + 1 };
}
