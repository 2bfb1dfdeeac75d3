/**
 * Batch storage: where added groups, indicators and associations live until they are chunked.
 * Every store keeps insertion order and dedupes by xid: {@link MemoryStore} (plain maps),
 * `CompactStore` (the default: items packed against templates of their JSON text) and `DiskStore` (SQLite, for
 * batches larger than memory).
 */
import type { FileContent } from '../model/builder.js';

/** A pending Document/Report upload. */
export interface FileUpload {
  xid: string;
  /** `Document` or `Report`. */
  type: string;
  fileName: string | undefined;
  content: FileContent;
}

/** Anything the store can hold: a builder or a validated raw object (Interface 3). */
export interface StoredItem {
  readonly kind: 'group' | 'indicator';
  readonly type: string;
  readonly xid: string;
  /** Wire JSON of the item. */
  toJSON(): Record<string, unknown>;
  /** Groups: xids of associated groups (for keeping association chains in one chunk). */
  readonly associatedGroupXids?: readonly string[];
  /** Groups: the pending file upload, if any. */
  fileUpload?(): FileUpload | undefined;
  /** Builders: check the whole item (its `toJSON()`) before it is sent. Raw items were checked when added. */
  validate?(json: Record<string, unknown>): void;
  /**
   * Items read back from a disk store: the wire JSON text, already serialised (the chunker then
   * skips `toJSON()` and `JSON.stringify`).
   * @param validate check the item against its type schema first
   * @throws ValidationError when `validate` is true and the item breaks a rule.
   */
  toJSONText?(validate: boolean): string;
  /** Builders and raw items: `JSON.stringify(toJSON())`, byte for byte, without building the object. */
  jsonText?(): string;
}

/**
 * @internal for the stores: the wire JSON text an item is packed or written as, and whether it
 * passes its whole-item check (`validate`; raw items were checked when added and have none).
 */
export function packedText(item: StoredItem): { text: string; valid: boolean } {
  if (item.validate === undefined) return { text: item.jsonText?.() ?? JSON.stringify(item.toJSON()), valid: true };
  const json = item.toJSON();
  let valid = true;
  try {
    item.validate(json);
  } catch {
    valid = false; // reported when the item is chunked, by the chunker
  }
  return { text: item.jsonText?.() ?? JSON.stringify(json), valid };
}

/** A set of xids (the chunker's "already emitted" groups); a disk store can keep it on disk. */
export interface XidSet {
  has(xid: string): boolean;
  add(xid: string): unknown;
}

/** Storage behind a `Batch`. Iteration order is insertion order. */
export interface BatchStore {
  getGroup(xid: string): StoredItem | undefined;
  putGroup(item: StoredItem): void;
  getIndicator(xid: string): StoredItem | undefined;
  putIndicator(item: StoredItem): void;
  /** Adds the association unless an equal one (same two sides and type) is there; returns the stored one. */
  putAssociation(key: string, entry: Record<string, unknown>): Record<string, unknown>;
  groups(): IterableIterator<StoredItem>;
  indicators(): IterableIterator<StoredItem>;
  associations(): IterableIterator<Record<string, unknown>>;
  readonly groupCount: number;
  readonly indicatorCount: number;
  readonly associationCount: number;
  /**
   * A fresh, empty {@link XidSet} for one chunking pass. Optional: without it the chunker uses an
   * in-memory `Set` (which grows with the number of groups).
   */
  createXidSet?(): XidSet;
  /**
   * The group with this xid as the chunker reads it (optional; default `getGroup`): a store that
   * keeps items serialised answers with a view of the stored JSON instead of rebuilding a builder.
   */
  peekGroup?(xid: string): StoredItem | undefined;
}

/**
 * The simplest store: three insertion-ordered maps holding the builders themselves. `Batch` uses
 * {@link CompactStore} by default (the same chunks; about 100 bytes per Address item instead of a builder); this one is the
 * reference the compact store is tested against.
 */
export class MemoryStore implements BatchStore {
  readonly #groups = new Map<string, StoredItem>();
  readonly #indicators = new Map<string, StoredItem>();
  readonly #associations = new Map<string, Record<string, unknown>>();

  getGroup(xid: string): StoredItem | undefined {
    return this.#groups.get(xid);
  }
  putGroup(item: StoredItem): void {
    this.#groups.set(item.xid, item);
  }
  getIndicator(xid: string): StoredItem | undefined {
    return this.#indicators.get(xid);
  }
  putIndicator(item: StoredItem): void {
    this.#indicators.set(item.xid, item);
  }
  putAssociation(key: string, entry: Record<string, unknown>): Record<string, unknown> {
    const existing = this.#associations.get(key);
    if (existing) return existing;
    this.#associations.set(key, entry);
    return entry;
  }
  groups(): IterableIterator<StoredItem> {
    return this.#groups.values();
  }
  indicators(): IterableIterator<StoredItem> {
    return this.#indicators.values();
  }
  associations(): IterableIterator<Record<string, unknown>> {
    return this.#associations.values();
  }
  get groupCount(): number {
    return this.#groups.size;
  }
  get indicatorCount(): number {
    return this.#indicators.size;
  }
  get associationCount(): number {
    return this.#associations.size;
  }
}
