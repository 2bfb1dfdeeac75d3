/**
 * Reading input files in pieces (imports in bounded memory): the head of a file for
 * format sniffing, a file as a stream of byte chunks with progress, NDJSON lines split across
 * chunks (a line break is the byte 0x0A, which never occurs inside a multi-byte UTF-8 character,
 * so lines are cut on bytes and decoded whole), and byte ranges read back by offset.
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Inputs of at least this many bytes are large: under the `auto` choices their items (`--store
 * auto`) and a STIX import's per-id state (`stixState: 'auto'`) wait on disk.
 */
export const LARGE_INPUT_BYTES = 16 * 1024 * 1024;

/** Bytes read so far and the file size, for a progress bar. */
export type BytesRead = (bytesRead: number, totalBytes: number) => void;

/** Default size of the chunks a file is read in: 1 MiB. */
export const CHUNK_BYTES = 1 << 20;

/** The start of a file as text. */
export interface FileHead {
  /** The first bytes decoded as UTF-8 (the whole file when `complete`), cut before an incomplete character. */
  text: string;
  /** The head is the whole file. */
  complete: boolean;
  /** File size in bytes. */
  size: number;
}

/**
 * The first `maxBytes` bytes of a file as text (the whole file when it is not larger).
 * @throws the file system error when the file cannot be read
 */
export function readHead(file: string, maxBytes = CHUNK_BYTES): FileHead {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const want = Math.min(size, maxBytes);
    const buf = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < want) {
      const n = readSync(fd, buf, got, want - got, got);
      if (n === 0) break;
      got += n;
    }
    const complete = got >= size;
    return { text: buf.toString('utf8', 0, complete ? got : charBoundary(buf, got)), complete, size };
  } finally {
    closeSync(fd);
  }
}

/** The largest `end` <= `length` that does not cut a UTF-8 character (the position of the last lead byte when its sequence is incomplete). */
export function charBoundary(buf: Uint8Array, length: number): number {
  let i = length - 1;
  // step back over continuation bytes (10xxxxxx), at most 3
  while (i >= 0 && length - i <= 4 && (buf[i]! & 0xc0) === 0x80) i--;
  if (i < 0) return length;
  const lead = buf[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return length - i >= need ? length : i;
}

/**
 * A file as byte chunks of about `chunkBytes`, reporting the bytes read after each.
 * @throws the file system error when the file cannot be read
 */
export async function* fileChunks(file: string, options: { chunkBytes?: number; onBytes?: BytesRead; start?: number } = {}): AsyncGenerator<Buffer> {
  const fd = openSync(file, 'r');
  let total: number;
  try {
    total = fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
  let read = options.start ?? 0;
  const stream = createReadStream(file, { highWaterMark: options.chunkBytes ?? CHUNK_BYTES, start: options.start ?? 0 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    read += chunk.length;
    yield chunk;
    options.onBytes?.(read, total);
  }
}

/** One line of a text file. */
export interface FileLine {
  /** The line without its `\n` (a `\r` before it is kept, as `text.split('\n')` keeps it). */
  text: string;
  /** 1-based line number. */
  number: number;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** Byte length of the line without its `\n`. */
  length: number;
}

/**
 * The lines of a file, as `readFileSync(file, 'utf8').split('\n')` gives them (the piece after a
 * final `\n` is a last, empty line), read in chunks: a line split across chunks is joined first,
 * so a multi-byte character cut by a chunk boundary is decoded whole.
 */
export async function* fileLines(file: string, options: { chunkBytes?: number; onBytes?: BytesRead } = {}): AsyncGenerator<FileLine> {
  for await (const { bytes, number, offset } of lineBytes(file, options)) yield { text: bytes.toString('utf8'), number, offset, length: bytes.length };
}

/** The bytes of each line of a file (without its `\n`), its number and byte offset; a line split across chunks is joined. */
async function* lineBytes(file: string, options: { chunkBytes?: number; onBytes?: BytesRead }): AsyncGenerator<{ bytes: Buffer; number: number; offset: number }> {
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let offset = 0; // byte offset of the current (partial) line
  let number = 1;
  for await (const chunk of fileChunks(file, options)) {
    let from = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, from)) {
      const piece = chunk.subarray(from, nl);
      const bytes = carryBytes > 0 ? Buffer.concat([...carry, piece]) : piece;
      yield { bytes, number, offset };
      carry = [];
      carryBytes = 0;
      offset += bytes.length + 1;
      number++;
      from = nl + 1;
    }
    if (from < chunk.length) {
      carry.push(chunk.subarray(from));
      carryBytes += chunk.length - from;
    }
  }
  yield { bytes: Buffer.concat(carry), number, offset };
}

/**
 * The lines of a file as {@link fileLines} gives them, without byte offsets, a chunk's worth at a
 * time: the whole lines of each chunk are decoded as one string and split, so a line costs no
 * buffer of its own (the fast path of a streamed import's passes). A line split across chunks is
 * joined on bytes first, as {@link fileLines} does.
 * @returns arrays of `{ text, number }` in file order (none empty)
 */
export async function* fileLineBatches(file: string, options: { chunkBytes?: number; onBytes?: BytesRead } = {}): AsyncGenerator<Array<{ text: string; number: number }>> {
  let carry: Buffer[] = [];
  let number = 1;
  for await (const chunk of fileChunks(file, options)) {
    const last = chunk.lastIndexOf(10);
    if (last < 0) {
      carry.push(chunk);
      continue;
    }
    const head = chunk.subarray(0, last);
    const texts = (carry.length > 0 ? Buffer.concat([...carry, head]) : head).toString('utf8').split('\n');
    const out = new Array<{ text: string; number: number }>(texts.length);
    for (let i = 0; i < texts.length; i++) out[i] = { text: texts[i]!, number: number++ };
    carry = last + 1 < chunk.length ? [chunk.subarray(last + 1)] : [];
    yield out;
  }
  yield [{ text: Buffer.concat(carry).toString('utf8'), number }];
}

/**
 * Visit the lines of a file that are not blank (`text.trim() !== ''`), as {@link fileLines} numbers
 * them, with their byte offsets and lengths, without decoding them: a line whose first byte is a
 * printable ASCII character is not blank (only other lines are decoded to tell).
 * @param visit called for each non-blank line in order; returning true stops the scan
 */
export async function scanNonBlankLines(file: string, visit: (number: number, offset: number, length: number) => boolean, options: { chunkBytes?: number } = {}): Promise<void> {
  const blank = (bytes: Buffer): boolean => {
    const first = bytes[0];
    if (first === undefined) return true;
    if (first > 0x20 && first < 0x7f) return false;
    return bytes.toString('utf8').trim() === '';
  };
  for await (const { bytes, number, offset } of lineBytes(file, options)) if (!blank(bytes) && visit(number, offset, bytes.length)) return;
}

/** Reads byte ranges of an open file (`close()` when done). */
export class FileRanges {
  readonly #fd: number;
  constructor(file: string) {
    this.#fd = openSync(file, 'r');
  }
  /** The bytes `[start, start + length)` decoded as UTF-8. */
  text(start: number, length: number): string {
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.#fd, buf, got, length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return buf.toString('utf8', 0, got);
  }
  close(): void {
    closeSync(this.#fd);
  }
}
