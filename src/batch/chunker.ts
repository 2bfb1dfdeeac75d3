/**
 * Chunking: turns a store into batch content files that ThreatConnect accepts, in the order the
 * reference sends them (ThreatConnect TcEx Batch module): groups first, each with the groups it is associated
 * with pulled into the same chunk (an iterative walk, safe on long chains and cycles), then
 * indicators, then the top-level associations (which must come after groups and indicators,
 * ThreatConnect V2 Batch API: batch input file).
 *
 * Each item is serialised once; a chunk carries its exact JSON text and byte size, and parses
 * `content` only when asked.
 */
import { ValidationError } from '../errors.js';
import type { BatchContent } from '../../generated/types/index.js';
import type { BatchStore, FileUpload, StoredItem } from './store.js';

/** Limits of one chunk. All are configurable; defaults follow the reference and the server. */
export interface ChunkLimits {
  /** Items (groups + indicators + associations) per chunk; default 5,000 (tcex `_batch_max_chunk`). A group association chain is never split, so a chunk holding one long chain can exceed it. */
  maxItems?: number;
  /** Serialised bytes per chunk (UTF-8 JSON); default 75,000,000 (tcex `_batch_max_size`). */
  maxBytes?: number;
  /** Indicators per chunk; default and hard server cap 25,000 per job (ThreatConnect V2 Batch API: limits). */
  maxIndicators?: number;
  /** Check each builder against its type schema before it goes into a chunk (default true). */
  validate?: boolean;
  /**
   * Receives each item that breaks a rule when it is serialised; the item is left out of its chunk.
   * Without it, such an item throws its ValidationError.
   */
  onInvalid?: (item: InvalidItem) => void;
}

/** An item left out of the chunks because it broke a rule (see {@link ChunkLimits.onInvalid}). */
export interface InvalidItem {
  kind: 'group' | 'indicator';
  type: string;
  xid: string;
  /** The ValidationError's message: the item, the field and the rule. */
  reason: string;
}

/** Defaults of {@link ChunkLimits}. */
export const DEFAULT_LIMITS = { maxItems: 5_000, maxBytes: 75_000_000, maxIndicators: 25_000 } as const;

/** One batch content file. */
export interface Chunk {
  /** 0-based position of the chunk. */
  index: number;
  /** The exact JSON text to send: `{"group":[...],"indicator":[...],"association":[...]}`. */
  text: string;
  /** UTF-8 byte length of `text`. */
  bytes: number;
  counts: { group: number; indicator: number; association: number };
  /** Document/Report uploads for groups of this chunk, to send after the job completes. */
  files: FileUpload[];
  /** Xids of the groups and indicators in this chunk, in order. */
  xids: { group: string[]; indicator: string[] };
  /** Xids of the groups that the groups of this chunk are associated with (some may be in earlier chunks). */
  groupRefs: string[];
  /** The content as objects (parsed from `text` on each access). */
  readonly content: BatchContent;
}

// `{"group":[` + `],"indicator":[` + `],"association":[` + `]}`
const ENVELOPE_BYTES = 10 + 15 + 17 + 2;

class ChunkBuilder {
  group: string[] = [];
  indicator: string[] = [];
  association: string[] = [];
  groupXids: string[] = [];
  indicatorXids: string[] = [];
  files: FileUpload[] = [];
  groupRefs: string[] = [];
  bytes = ENVELOPE_BYTES;
  get items(): number {
    return this.group.length + this.indicator.length + this.association.length;
  }
  add(list: string[], json: string, bytes: number): void {
    if (list.length > 0) this.bytes += 1; // the comma
    list.push(json);
    this.bytes += bytes;
  }
  build(index: number): Chunk {
    const text = `{"group":[${this.group.join(',')}],"indicator":[${this.indicator.join(',')}],"association":[${this.association.join(',')}]}`;
    return {
      index,
      text,
      bytes: this.bytes,
      counts: { group: this.group.length, indicator: this.indicator.length, association: this.association.length },
      files: this.files,
      xids: { group: this.groupXids, indicator: this.indicatorXids },
      groupRefs: this.groupRefs,
      get content(): BatchContent {
        return JSON.parse(text) as BatchContent;
      },
    };
  }
}

function serialise(item: StoredItem, validate: boolean): string {
  if (item.toJSONText !== undefined) return item.toJSONText(validate);
  const json = item.toJSON();
  if (validate) item.validate?.(json);
  return JSON.stringify(json);
}

/** Serialise, or hand an item that breaks a rule to `onInvalid` (undefined: leave it out). */
function serialiseOrReject(item: StoredItem, validate: boolean, onInvalid: ChunkLimits['onInvalid']): string | undefined {
  if (!onInvalid) return serialise(item, validate);
  try {
    return serialise(item, validate);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    onInvalid({ kind: item.kind, type: item.type, xid: item.xid, reason: e.message });
    return undefined;
  }
}

/**
 * Walk the store and yield chunks. The store is not changed: iterating twice gives the same chunks.
 * @throws ValidationError (from a builder's `validate()`) when an item broke a rule after it was added,
 *   e.g. a malware Document without a password; the error names the item.
 */
export function* chunkStore(store: BatchStore, limits: ChunkLimits = {}): Generator<Chunk> {
  const maxItems = limits.maxItems ?? DEFAULT_LIMITS.maxItems;
  const maxBytes = limits.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  const maxIndicators = Math.min(limits.maxIndicators ?? DEFAULT_LIMITS.maxIndicators, DEFAULT_LIMITS.maxIndicators);
  const validate = limits.validate ?? true;
  for (const [name, v] of Object.entries({ maxItems, maxBytes, maxIndicators })) {
    if (!Number.isInteger(v) || v < 1) throw new ValidationError({ field: name, rule: 'a chunk limit is a positive integer', value: v, code: 'TCB_INVALID_OPTION' });
  }
  let index = 0;
  let current = new ChunkBuilder();
  const flush = () => {
    const chunk = current.build(index++);
    current = new ChunkBuilder();
    return chunk;
  };

  // Groups, each followed by the not-yet-emitted groups reachable through associatedGroupXid.
  const emitted = store.createXidSet?.() ?? new Set<string>();
  for (const root of store.groups()) {
    if (emitted.has(root.xid)) continue;
    const chain: Array<{ item: StoredItem; json: string; bytes: number }> = [];
    const queue: StoredItem[] = [root];
    emitted.add(root.xid);
    for (let i = 0; i < queue.length; i++) {
      const item = queue[i]!;
      const json = serialiseOrReject(item, validate, limits.onInvalid);
      if (json !== undefined) chain.push({ item, json, bytes: Buffer.byteLength(json) });
      const assoc = item.associatedGroupXids;
      if (assoc !== undefined) for (const xid of assoc) {
        if (emitted.has(xid)) continue;
        const next = store.peekGroup !== undefined ? store.peekGroup(xid) : store.getGroup(xid);
        if (!next) continue; // an xid of a group already in the owner
        emitted.add(xid);
        queue.push(next);
      }
    }
    const chainBytes = chain.reduce((n, c) => n + c.bytes + 1, 0);
    if (current.items > 0 && (current.items + chain.length > maxItems || current.bytes + chainBytes > maxBytes)) yield flush();
    for (const c of chain) {
      current.add(current.group, c.json, c.bytes);
      current.groupXids.push(c.item.xid);
      const refs = c.item.associatedGroupXids;
      if (refs !== undefined) for (const x of refs) current.groupRefs.push(x);
      const file = c.item.fileUpload?.();
      if (file) current.files.push(file);
    }
    if (current.items >= maxItems || current.bytes >= maxBytes) yield flush();
  }

  for (const item of store.indicators()) {
    const json = serialiseOrReject(item, validate, limits.onInvalid);
    if (json === undefined) continue;
    const bytes = Buffer.byteLength(json);
    if (current.items > 0 && (current.items + 1 > maxItems || current.bytes + bytes + 1 > maxBytes || current.indicator.length + 1 > maxIndicators)) yield flush();
    current.add(current.indicator, json, bytes);
    current.indicatorXids.push(item.xid);
  }

  for (const entry of store.associations()) {
    const json = JSON.stringify(entry);
    const bytes = Buffer.byteLength(json);
    if (current.items > 0 && (current.items + 1 > maxItems || current.bytes + bytes + 1 > maxBytes)) yield flush();
    current.add(current.association, json, bytes);
  }

  if (current.items > 0) yield flush();
}
