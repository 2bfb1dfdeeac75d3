/**
 * `CompactStore`: the default in-memory {@link BatchStore} (issue 14: 1M Address items in at most
 * 400 MB). Items are packed once added and a builder is materialised on access.
 *
 * Design:
 * - **Slots.** Each kind (groups, indicators) has its items in insertion order. A slot holds either
 *   the live item (a builder or raw item) or, once packed, the item's wire JSON text packed against
 *   a template of its shape ({@link TemplateTable}: the keys, punctuation and the strings every item
 *   repeats — type, attribute type, tag name — are kept once per shape, only the strings that differ
 *   are kept per item), UTF-8 in slabs outside the JS heap. A derived xid (64 hex digits) is kept as
 *   32 bytes. An Address with one attribute and one tag takes about 99 bytes in all (30 of record, 32
 *   of xid, 37 of offsets, template number and dedupe table), instead of a builder with its maps,
 *   arrays and metadata objects (about 530 bytes of heap that the garbage collector walks).
 * - **Window.** The last `window` items added stay live (a feed changes an item right after adding
 *   it: `batch.address(ip).tag(...)`); older ones are packed in batches: serialised, checked
 *   against their type schema once, and the store registers itself on the builder
 *   ({@link Builder.attachStore}).
 * - **Changes after packing.** A packed builder that is changed tells the store, which makes that
 *   builder the live item again (so the change is kept) and repacks it later. An item whose JSON
 *   breaks its schema, or a Document/Report with file content, stays live (its error is raised, and
 *   its content uploaded, exactly as with {@link MemoryStore}).
 * - **Materialise on access.** `getGroup`/`getIndicator` of a packed item (TcEx's "first write
 *   wins": adding an xid again returns the stored item) rebuild a builder from its JSON
 *   ({@link restoreItem}) and keep it live until it is repacked. While the caller still holds the
 *   original builder, the rebuilt one is a second object for the same item: a change to either is
 *   kept with that object's whole state (the object changed last wins).
 * - **Dedupe by xid** without keeping the xid strings: an open-addressing table of 32-bit FNV-1a
 *   hashes and slot numbers (16 bytes per item); a hash match is confirmed against the xid read
 *   from the item (live, its 32 bytes, or its JSON text).
 *
 * Chunking packs every live item first (later `chunks()` calls then only unpack and join strings)
 * and reads packed items as views that carry their JSON text, rebuilt from the template and the
 * record byte for byte.
 */
import { IndicatorBuilder, Builder, type BuilderListener } from '../model/builder.js';
import { RawItem, splitSummary } from './core.js';
import { BuilderClasses, restoreItem } from './restore.js';
import { packedText, type BatchStore, type StoredItem } from './store.js';
import { TemplateTable } from './json-template.js';
import { fmix32, fnv1a } from './string-hash.js';

/** Options of a {@link CompactStore}. */
export interface CompactStoreOptions {
  /** Most recently added items kept live per kind before they are packed; default 128. */
  window?: number;
}

const EMPTY: readonly string[] = Object.freeze([]);
const XID_KEY = '"xid":"';

/** FNV-1a over the UTF-16 code units of `s`, with a final avalanche (murmur3 fmix32) for the table's low bits. */
function hashXid(s: string): number {
  return fmix32(fnv1a(s));
}

/**
 * The xid in an item's JSON text: the value after the first `"xid":"` (inside a JSON string every
 * `"` is escaped, so this is a key). Callers confirm the result against the real xid when packing.
 */
function xidInJson(json: string): string {
  const start = json.indexOf(XID_KEY) + XID_KEY.length;
  return json.slice(start, json.indexOf('"', start));
}

/** Register `store` on a builder (raw items never change). */
function attach(item: StoredItem, store: BuilderListener): void {
  const b: unknown = item;
  if (b instanceof Builder) b.attachStore(store);
}

function isMultiValue(item: StoredItem): item is StoredItem & IndicatorBuilder {
  const b: unknown = item;
  return b instanceof IndicatorBuilder && b.values.length > 1;
}

/** A packed item read for chunking: its JSON text is sent as it is. */
class PackedView implements StoredItem {
  readonly kind: 'group' | 'indicator';
  readonly xid: string;
  readonly associatedGroupXids: readonly string[];
  readonly #json: string;
  constructor(kind: 'group' | 'indicator', json: string, xid: string, assoc: readonly string[]) {
    this.kind = kind;
    this.#json = json;
    this.xid = xid;
    this.associatedGroupXids = assoc;
  }
  get type(): string {
    return this.toJSON().type as string;
  }
  toJSON(): Record<string, unknown> {
    return JSON.parse(this.#json) as Record<string, unknown>;
  }
  toJSONText(): string {
    return this.#json; // checked when it was packed; items that broke a rule are never packed
  }
}

const SLAB_BYTES = 1 << 24;

/**
 * JSON texts by slot number, UTF-8 in slabs of up to 16 MiB outside the JS heap (the garbage collector
 * never walks them). A text written again (a repacked item) is appended; its old bytes stay unused.
 */
class TextSlabs {
  readonly #slabs: Buffer[] = [];
  #slab: Buffer = Buffer.allocUnsafe(0);
  #used = 0;
  /** Index of `#slab` in `#slabs` (texts with a slab of their own come in between). */
  #current = -1;
  /** Slab number * 2^24 + offset of each slot's text. */
  #pos = new Float64Array(1024);
  #len = new Uint32Array(1024);

  /** Write the texts of many slots: one joined write when they fit the current slab and are ASCII. */
  setMany(slots: readonly number[], texts: readonly string[]): void {
    this.#reserve(Math.max(...slots) + 1);
    const joined = texts.length === 1 ? texts[0]! : texts.join('');
    const worst = joined.length * 3;
    if (worst <= SLAB_BYTES / 4) {
      if (this.#current < 0 || this.#used + worst > this.#slab.length) this.#newSlab();
      const n = this.#slab.write(joined, this.#used);
      if (n === joined.length) {
        // ASCII: byte offsets are string offsets
        const base = this.#current * SLAB_BYTES + this.#used;
        let at = 0;
        for (let k = 0; k < slots.length; k++) {
          const len = texts[k]!.length;
          this.#pos[slots[k]!] = base + at;
          this.#len[slots[k]!] = len;
          at += len;
        }
        this.#used += n;
        return;
      } // else: the bytes written are left unused and each text is written on its own
      this.#used += n;
    }
    for (let k = 0; k < slots.length; k++) this.set(slots[k]!, texts[k]!);
  }

  #reserve(size: number): void {
    if (size <= this.#pos.length) return;
    const grown = Math.max(size, this.#pos.length * 2);
    const pos = new Float64Array(grown);
    pos.set(this.#pos);
    this.#pos = pos;
    const len = new Uint32Array(grown);
    len.set(this.#len);
    this.#len = len;
  }

  #newSlab(): void {
    // slabs double from 64 KiB (a small batch stays small) up to 16 MiB
    this.#slab = Buffer.allocUnsafe(Math.min(SLAB_BYTES, Math.max(1 << 16, this.#slab.length * 2)));
    this.#current = this.#slabs.push(this.#slab) - 1;
    this.#used = 0;
  }

  set(i: number, text: string): void {
    this.#reserve(i + 1);
    const worst = text.length * 3; // UTF-8 bytes of a UTF-16 code unit: at most 3
    if (worst > SLAB_BYTES / 4) {
      const own = Buffer.from(text); // a large text gets a slab of its own
      this.#slabs.push(own);
      this.#pos[i] = (this.#slabs.length - 1) * SLAB_BYTES;
      this.#len[i] = own.length;
      return;
    }
    if (this.#current < 0 || this.#used + worst > this.#slab.length) this.#newSlab();
    const n = this.#slab.write(text, this.#used);
    this.#pos[i] = this.#current * SLAB_BYTES + this.#used;
    this.#len[i] = n;
    this.#used += n;
  }

  /**
   * The texts of slots `from` to `to - 1` (undefined where `packed(i)` is false): a run of texts
   * written one after another is decoded at once and sliced when it is ASCII.
   */
  getMany(from: number, to: number, packed: (i: number) => boolean): Array<string | undefined> {
    const out = new Array<string | undefined>(to - from);
    let i = from;
    while (i < to) {
      if (!packed(i)) {
        i++;
        continue;
      }
      const start = this.#pos[i]!;
      let end = start + this.#len[i]!;
      let j = i + 1;
      while (j < to && packed(j) && this.#pos[j] === end && Math.floor(end / SLAB_BYTES) === Math.floor(start / SLAB_BYTES)) end += this.#len[j++]!;
      const slab = Math.floor(start / SLAB_BYTES);
      const offset = start - slab * SLAB_BYTES;
      const run = this.#slabs[slab]!.toString('utf8', offset, offset + (end - start));
      if (run.length === end - start) {
        let at = 0;
        for (let k = i; k < j; k++) {
          const len = this.#len[k]!;
          out[k - from] = run.slice(at, at + len);
          at += len;
        }
      } else for (let k = i; k < j; k++) out[k - from] = this.get(k);
      i = j;
    }
    return out;
  }

  get(i: number): string {
    const p = this.#pos[i]!;
    const slab = Math.floor(p / SLAB_BYTES);
    const offset = p - slab * SLAB_BYTES;
    return this.#slabs[slab]!.toString('utf8', offset, offset + this.#len[i]!);
  }
}

const XID_PAGE = 1 << 12;

/** Value of each lowercase hex digit by char code, -1 for every other character. */
const HEX = new Int8Array(128).fill(-1);
for (let c = 0; c < 16; c++) HEX['0123456789abcdef'.charCodeAt(c)] = c;

/**
 * Write the 64 lowercase hex digits of `xid` (64 code units) as 32 bytes at `at` (a loop over the
 * digits: `Buffer.write(s, 'hex')` costs more in its argument handling than in decoding, per item).
 * @returns false when a character is not a lowercase hex digit (the bytes written are then unused)
 */
function writeHex(xid: string, page: Buffer, at: number): boolean {
  for (let k = 0; k < 32; k++) {
    const c = xid.charCodeAt(2 * k);
    const d = xid.charCodeAt(2 * k + 1);
    if ((c | d) > 127) return false;
    const hi = HEX[c]!;
    const lo = HEX[d]!;
    if ((hi | lo) < 0) return false;
    page[at + k] = (hi << 4) | lo;
  }
  return true;
}

/** 64-hex xids (SHA-256, the derived ones) by slot number, 32 bytes each, in pages of 4,096 slots. */
class XidBytes {
  readonly #pages: Buffer[] = [];

  /** Keep `xid` for slot `i` when it is 64 lowercase hex digits; returns whether it was kept. */
  set(i: number, xid: string): boolean {
    if (xid.length !== 64) return false;
    const page = Math.floor(i / XID_PAGE);
    while (this.#pages.length <= page) this.#pages.push(Buffer.allocUnsafeSlow(XID_PAGE * 32));
    // lower case only, so that the bytes give the same text back
    return writeHex(xid, this.#pages[page]!, (i % XID_PAGE) * 32);
  }

  get(i: number): string {
    const at = (i % XID_PAGE) * 32;
    return this.#pages[Math.floor(i / XID_PAGE)]!.toString('hex', at, at + 32);
  }
}

/** The items of one kind. */
class Shelf {
  readonly kind: 'group' | 'indicator';
  /** The live item of each slot (by insertion number), `undefined` once packed. */
  readonly live: Array<StoredItem | undefined> = [];
  /** The packed record of each slot (see {@link TemplateTable}), UTF-8 in slabs. */
  readonly #texts = new TextSlabs();
  readonly #templates = new TemplateTable();
  /** Derived (64-hex) xids of packed slots, as bytes. */
  readonly #xidBytes = new XidBytes();
  /** Per packed slot: (template id + 1) * 2 (0: the whole text is kept) + 1 when the xid is in `#xidBytes`. */
  #meta = new Uint32Array(1024);
  /** Slots below this were packed once (a live one among them is pinned or queued in `dirty`). */
  packedUpTo = 0;
  /** Live slots below `packedUpTo` waiting to be packed again. */
  dirty: number[] = [];
  /** Slots kept live for good: file content, or JSON that breaks the schema. */
  readonly pinned = new Set<number>();
  /** Raw items (Interface 3), restored as such. */
  readonly raw = new Set<number>();
  /** Xids that cannot be read back from the JSON text (escaped characters). */
  readonly xids = new Map<number, string>();
  /** Groups: associated group xids of packed slots. */
  readonly assoc = new Map<number, readonly string[]>();
  /** Multi-value indicators: value slots that the summary alone does not give back. */
  readonly values = new Map<number, ReadonlyArray<string | undefined>>();
  /** Multi-value indicators whose value slots are `splitSummary(summary)`. */
  readonly split = new Set<number>();
  /**
   * Open addressing, two numbers per entry side by side (one cache line per probe): slot + 1 (0 =
   * empty) at `2p`, the xid's hash at `2p + 1`.
   */
  #table = new Int32Array(2048);
  #mask = 1023;

  constructor(kind: 'group' | 'indicator') {
    this.kind = kind;
  }

  get count(): number {
    return this.live.length;
  }

  /** The packed JSON text of slot `i` (whose live item is `undefined`). */
  text(i: number): string {
    return this.#unpack(i, this.#texts.get(i));
  }

  #packing: number[] = [];
  #packingTexts: string[] = [];

  /**
   * The packed texts of slots `from` to `to - 1` (undefined for live slots), and their xids in
   * `xids` (by the same index).
   */
  textsOf(from: number, to: number, xids: string[]): Array<string | undefined> {
    const records = this.#texts.getMany(from, to, (i) => this.live[i] === undefined);
    for (let k = 0; k < records.length; k++) {
      const r = records[k];
      if (r === undefined) continue;
      const i = from + k;
      const meta = this.#meta[i]!;
      const binary = (meta & 1) === 1 ? this.#xidBytes.get(i) : undefined;
      const t = meta >>> 1;
      const text = t === 0 ? r : this.#templates.unpack(t - 1, r, binary);
      records[k] = text;
      xids[k] = binary ?? this.xids.get(i) ?? xidInJson(text);
    }
    return records;
  }

  /** The JSON text of slot `i` from its record. */
  #unpack(i: number, record: string): string {
    const meta = this.#meta[i]!;
    const t = meta >>> 1;
    if (t === 0) return record;
    return this.#templates.unpack(t - 1, record, (meta & 1) === 1 ? this.#xidBytes.get(i) : undefined);
  }

  /**
   * Replace the live item of slot `i` by its JSON text (written at the next {@link flushPacked}):
   * packed against its template, with a derived xid kept as 32 bytes.
   */
  pack(i: number, text: string, type: string, xid: string): void {
    this.#reserveMeta(i + 1);
    const binary = this.#xidBytes.set(i, xid);
    const packed = this.#templates.pack(text, type, binary ? xid : undefined);
    this.#meta[i] = (packed === undefined ? 0 : (packed.template.id + 1) * 2) + (binary ? 1 : 0);
    this.#packing.push(i);
    this.#packingTexts.push(packed === undefined ? text : packed.record);
  }

  #reserveMeta(size: number): void {
    if (size <= this.#meta.length) return;
    const meta = new Uint32Array(Math.max(size, this.#meta.length * 2));
    meta.set(this.#meta);
    this.#meta = meta;
  }

  /** Write the texts given to {@link pack} (one slab write for all of them) and drop their live items. */
  flushPacked(): void {
    const slots = this.#packing;
    if (slots.length === 0) return;
    this.#texts.setMany(slots, this.#packingTexts);
    for (const i of slots) this.live[i] = undefined;
    this.#packing = [];
    this.#packingTexts = [];
  }

  /** The xid of packed slot `i` whose JSON text is `text`. */
  xidOf(i: number, text: string): string {
    if ((this.#meta[i]! & 1) === 1) return this.#xidBytes.get(i);
    return this.xids.get(i) ?? xidInJson(text);
  }

  xidAt(i: number): string {
    const s = this.live[i];
    if (s !== undefined) return s.xid;
    if ((this.#meta[i]! & 1) === 1) return this.#xidBytes.get(i);
    return this.xids.get(i) ?? xidInJson(this.text(i));
  }

  /** The slot of `xid`, or -1. */
  find(xid: string): number {
    const h = hashXid(xid);
    this.#lastXid = xid;
    this.#lastHash = h;
    const table = this.#table;
    const mask = this.#mask;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const v = table[2 * p]!;
      if (v === 0) return -1;
      if (table[2 * p + 1] === h && this.xidAt(v - 1) === xid) return v - 1;
    }
  }

  add(item: StoredItem): void {
    const i = this.live.length;
    this.live.push(item);
    if ((i + 1) * 2 > this.#mask + 1) this.#grow();
    const xid = item.xid;
    this.#insert(xid === this.#lastXid ? this.#lastHash : hashXid(xid), i);
  }

  /** The xid last looked up and its hash (a batch looks an xid up, then adds it). */
  #lastXid: string | undefined;
  #lastHash = 0;

  #insert(h: number, i: number): void {
    const table = this.#table;
    const mask = this.#mask;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      if (table[2 * p] === 0) {
        table[2 * p] = i + 1;
        table[2 * p + 1] = h;
        return;
      }
    }
  }

  #grow(): void {
    const old = this.#table;
    this.#table = new Int32Array(old.length * 2);
    this.#mask = this.#table.length / 2 - 1;
    for (let p = 0; p < old.length; p += 2) if (old[p] !== 0) this.#insert(old[p + 1]!, old[p]! - 1);
  }
}

/**
 * The default in-memory store: items packed into their JSON text once added, a builder
 * materialised on access. Chunks are byte-identical to {@link MemoryStore}'s for the same calls.
 * See the module comment for the design.
 */
export class CompactStore implements BatchStore, BuilderListener {
  readonly #shelves: [Shelf, Shelf] = [new Shelf('group'), new Shelf('indicator')];
  readonly #associations = new Map<string, Record<string, unknown>>();
  readonly #window: number;
  /** Builder classes by type, for rebuilding packed items (custom indicator types included). */
  readonly #classes = new BuilderClasses();

  /** @param options see {@link CompactStoreOptions} */
  constructor(options: CompactStoreOptions = {}) {
    this.#window = Math.max(1, options.window ?? 128);
  }

  /** The group with this xid (a builder rebuilt from its JSON when it was packed), or undefined. */
  getGroup(xid: string): StoredItem | undefined {
    return this.#get(this.#shelves[0], xid);
  }
  /** Add a new group (its xid is not in the store). */
  putGroup(item: StoredItem): void {
    this.#put(this.#shelves[0], item);
  }
  /** The indicator with this xid (rebuilt when it was packed), or undefined. */
  getIndicator(xid: string): StoredItem | undefined {
    return this.#get(this.#shelves[1], xid);
  }
  /** Add a new indicator (its xid is not in the store). */
  putIndicator(item: StoredItem): void {
    this.#put(this.#shelves[1], item);
  }
  /** The group with this xid for chunking: a view of its JSON when packed (nothing is rebuilt). */
  peekGroup(xid: string): StoredItem | undefined {
    const shelf = this.#shelves[0];
    const i = shelf.find(xid);
    return i < 0 ? undefined : this.#view(shelf, i);
  }
  /** Adds the association unless an equal one (same two sides and type) is there; returns the stored one. */
  putAssociation(key: string, entry: Record<string, unknown>): Record<string, unknown> {
    const existing = this.#associations.get(key);
    if (existing) return existing;
    this.#associations.set(key, entry);
    return entry;
  }
  /** Groups in insertion order (every live item is packed first). */
  groups(): IterableIterator<StoredItem> {
    return this.#items(this.#shelves[0]);
  }
  /** Indicators in insertion order (every live item is packed first). */
  indicators(): IterableIterator<StoredItem> {
    return this.#items(this.#shelves[1]);
  }
  /** Associations in insertion order. */
  associations(): IterableIterator<Record<string, unknown>> {
    return this.#associations.values();
  }
  /** Number of groups. */
  get groupCount(): number {
    return this.#shelves[0].count;
  }
  /** Number of indicators. */
  get indicatorCount(): number {
    return this.#shelves[1].count;
  }
  /** Number of associations. */
  get associationCount(): number {
    return this.#associations.size;
  }

  /** @internal a packed builder changed: it becomes the live item again (the object changed last holds the state). */
  builderChanged(builder: Builder): void {
    const shelf = this.#shelves[builder.kind === 'group' ? 0 : 1];
    const i = shelf.find(builder.xid);
    if (i < 0 || i >= shelf.packedUpTo) return;
    const was = shelf.live[i];
    if (was === builder) return;
    shelf.live[i] = builder;
    if (was === undefined) this.#queue(shelf, i);
  }

  /** Pack every live item now (done before chunking). */
  pack(): void {
    for (const shelf of this.#shelves) {
      this.#drain(shelf);
      this.#packRange(shelf, shelf.count);
    }
  }

  // ---- internals ----

  #get(shelf: Shelf, xid: string): StoredItem | undefined {
    const i = shelf.find(xid);
    if (i < 0) return undefined;
    const s = shelf.live[i];
    if (s !== undefined) return s;
    const json = JSON.parse(shelf.text(i)) as Record<string, unknown>;
    const values = shelf.split.has(i)
      ? splitSummary(this.#classes.indicator(json.type as string)!.info, json.summary as string)
      : shelf.values.get(i);
    const item = restoreItem(shelf.kind, json, values, shelf.raw.has(i), this.#classes);
    attach(item, this);
    shelf.live[i] = item;
    this.#queue(shelf, i);
    return item;
  }

  #put(shelf: Shelf, item: StoredItem): void {
    this.#classes.note(item);
    shelf.add(item);
    if (shelf.count - shelf.packedUpTo >= 2 * this.#window) this.#packRange(shelf, shelf.count - this.#window);
  }

  #queue(shelf: Shelf, i: number): void {
    shelf.dirty.push(i);
    if (shelf.dirty.length >= this.#window) this.#drain(shelf);
  }

  #drain(shelf: Shelf): void {
    const dirty = shelf.dirty;
    shelf.dirty = [];
    for (const i of dirty) if (shelf.live[i] !== undefined) this.#pack(shelf, i);
    shelf.flushPacked();
  }

  #packRange(shelf: Shelf, end: number): void {
    for (let i = shelf.packedUpTo; i < end; i++) this.#pack(shelf, i);
    shelf.flushPacked();
    if (end > shelf.packedUpTo) shelf.packedUpTo = end;
  }

  /** Serialise the live item of slot `i` into its JSON text, unless it must stay live. */
  #pack(shelf: Shelf, i: number): void {
    const item = shelf.live[i]!;
    attach(item, this);
    if (item.fileUpload?.() !== undefined) {
      shelf.pinned.add(i); // content cannot be packed
      return;
    }
    const { text, valid } = packedText(item);
    if (!valid) {
      shelf.pinned.add(i); // chunking raises the error, naming the item, as the memory store does
      return;
    }
    shelf.pinned.delete(i);
    const at = text.indexOf(XID_KEY) + XID_KEY.length;
    if (!(text.startsWith(item.xid, at) && text.charCodeAt(at + item.xid.length) === 34)) shelf.xids.set(i, item.xid); // escaped: kept aside
    if (item instanceof RawItem) shelf.raw.add(i);
    if (shelf.kind === 'group') {
      const assoc = item.associatedGroupXids;
      if (assoc !== undefined && assoc.length > 0) shelf.assoc.set(i, assoc.slice());
      else shelf.assoc.delete(i);
    } else if (isMultiValue(item)) {
      const values = item.values;
      const derived = splitSummary(this.#classes.indicator(item.type)!.info, item.summary);
      if (derived.length !== values.length || derived.some((v, k) => v !== values[k])) {
        shelf.values.set(i, values.slice());
        shelf.split.delete(i);
      } else {
        shelf.split.add(i); // the summary gives the slots back
        shelf.values.delete(i);
      }
    }
    shelf.pack(i, text, item.type, item.xid);
  }

  #view(shelf: Shelf, i: number): StoredItem {
    const s = shelf.live[i];
    if (s !== undefined) return s;
    const text = shelf.text(i);
    return new PackedView(shelf.kind, text, shelf.xidOf(i, text), shelf.assoc.get(i) ?? EMPTY);
  }

  *#items(shelf: Shelf): IterableIterator<StoredItem> {
    this.pack();
    for (let from = 0; from < shelf.count; from += 1_024) {
      const to = Math.min(shelf.count, from + 1_024);
      const xids: string[] = [];
      const texts = shelf.textsOf(from, to, xids);
      for (let i = from; i < to; i++) {
        const text = texts[i - from];
        yield text === undefined ? shelf.live[i]! : new PackedView(shelf.kind, text, xids[i - from]!, shelf.assoc.get(i) ?? EMPTY);
      }
    }
  }
}
