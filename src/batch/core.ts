/**
 * `BatchCore`: the part of `Batch` that the generated per-type methods (`generated/builders`)
 * build on. It turns the positional and options-object call forms of TcEx's Module: Batch page into builders, stores
 * them (first write wins per xid; another type under the same xid is an error), and takes raw
 * objects (Interface 3) and top-level associations after checking them with the generated
 * validators.
 */
import { IndicatorTypesError, ValidationError, XidConflictError, type ItemRef } from '../errors.js';
import { groupTypes, type GroupTypeName, type IndicatorTypeName } from '../../generated/catalog.js';
import { validateAssociationEntry } from '../../generated/validators/index.js';
import type { GroupTypeInfo, IndicatorTypeInfo } from '../model/catalog-types.js';
import { SUMMARY_SEPARATOR } from '../model/catalog-types.js';
import type { GroupBuilder, GroupBuilderClass, IndicatorBuilder, IndicatorBuilderClass, XidInput, FileContent } from '../model/builder.js';
import { groupBuilders, indicatorBuilders, type GroupBuilderMap, type IndicatorBuilderMap, type TypedBatch } from '../../generated/builders/index.js';
import type { RatingInput, ConfidenceInput } from '../model/values.js';
import { typeNameRule } from '../model/custom-types.js';
import type { AssociationEntry } from '../../generated/types/index.js';
import { MemoryStore, type BatchStore, type FileUpload, type StoredItem } from './store.js';
import { typeLookup, type IndicatorTypeSet, type TypeLookup } from './types.js';

/** The group types that take file content (`x-tc.fileContent` in the catalogue), for the rule text. */
const FILE_CONTENT_GROUPS = Object.values(groupTypes)
  .filter((t) => t.fileContent)
  .map((t) => t.type)
  .join(' and ');

export type { GroupBuilderClass, IndicatorBuilderClass };

const isOptions = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/**
 * A raw group or indicator added through Interface 3, already validated. Exported for stores that
 * restore raw items they had written to disk.
 */
export class RawItem implements StoredItem {
  readonly kind: 'group' | 'indicator';
  readonly type: string;
  readonly xid: string;
  readonly #json: Record<string, unknown>;
  readonly #content: FileContent | undefined;
  /**
   * @param json the validated wire object (kept, not copied)
   * @param content Document/Report file content, kept out of the JSON
   */
  constructor(kind: 'group' | 'indicator', json: Record<string, unknown>, content: FileContent | undefined) {
    this.kind = kind;
    this.type = json.type as string;
    this.xid = json.xid as string;
    this.#json = json;
    this.#content = content;
  }
  /** Groups: xids of associated groups. */
  get associatedGroupXids(): readonly string[] {
    return (this.#json.associatedGroupXid as string[] | undefined) ?? [];
  }
  /** A deep copy of the wire object. */
  toJSON(): Record<string, unknown> {
    return structuredClone(this.#json);
  }
  /**
   * The wire JSON text (`JSON.stringify(toJSON())`, without the copy).
   * @internal for the stores
   */
  jsonText(): string {
    return JSON.stringify(this.#json);
  }
  /** The pending file upload, if content was given. */
  fileUpload(): FileUpload | undefined {
    if (this.#content === undefined) return undefined;
    return { xid: this.xid, type: this.type, fileName: this.#json.fileName as string | undefined, content: this.#content };
  }
}

/** Options every Batch takes for its store and types. */
export interface BatchCoreOptions {
  /** Where items live until chunked (default: in memory). */
  store?: BatchStore;
  /** Custom indicator types (from `tcbatch codegen` or `loadIndicatorTypes`), accepted besides the built-in ones. */
  types?: IndicatorTypeSet;
}

/** The typed Interface 1 and 2 methods of the generated catalogue, implemented by {@link BatchCore}. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface BatchCore extends TypedBatch {}
/**
 * Interface 3 input: a raw group object in the wire shape (a generated wire type such as
 * `Adversary`, or an object literal), `xid` required. Its `type` is a group type name (a misspelt
 * name does not compile; an untyped caller gets a ValidationError). The other fields are checked
 * by the type's validator at run time.
 */
export type GroupInput = { readonly type: GroupTypeName };

/** Interface 3 input: a raw indicator object; see {@link GroupInput}. */
export type IndicatorInput = { readonly type: IndicatorTypeName };

/** Storage and the generic factories behind the typed per-type methods. */
export abstract class BatchCore {
  /** @internal */
  protected readonly store: BatchStore;
  /** @internal the built-in and custom types this batch accepts */
  protected readonly typeLookup: TypeLookup;
  /** Builder classes of the type names Interface 2 was called with (a batch's types never change). */
  readonly #groupClasses = new Map<string, GroupBuilderClass>();
  readonly #indicatorClasses = new Map<string, IndicatorBuilderClass>();

  constructor(options: BatchCoreOptions = {}) {
    this.store = options.store ?? new MemoryStore();
    this.typeLookup = typeLookup(options.types);
  }

  /**
   * @internal Add the Interface 1 method of each custom type (`bankAccount(...)`) to this batch.
   * Called by the subclass once its own members exist, so a clash with any of them is found.
   * @throws IndicatorTypesError when a custom type's method name is already a member of the batch.
   */
  protected addCustomMethods(): void {
    for (const t of Object.values(this.typeLookup.custom)) {
      const method = t.info.method;
      if (method in this) {
        throw new IndicatorTypesError(`custom indicator type ${JSON.stringify(t.info.type)}: its method name ${method}() is already a member of Batch`);
      }
      const Ctor = t.builder;
      Object.defineProperty(this, method, { value: (...args: unknown[]) => this.createIndicator(Ctor, args), configurable: true, writable: false, enumerable: false });
    }
  }

  #register<T extends StoredItem>(item: T): T {
    return item.kind === 'group' ? this.#registerGroup(item) : this.#registerIndicator(item);
  }

  /** Store a new group, or return the stored one with its xid (first write wins). */
  #registerGroup<T extends StoredItem>(item: T): T {
    const existing = this.store.getGroup(item.xid);
    if (existing) {
      if (existing.type !== item.type) throw new XidConflictError(item.xid, existing.type, item.type);
      return existing as T;
    }
    this.store.putGroup(item);
    return item;
  }

  /** Store a new indicator, or return the stored one with its xid (first write wins). */
  #registerIndicator<T extends StoredItem>(item: T): T {
    const existing = this.store.getIndicator(item.xid);
    if (existing) {
      if (existing.type !== item.type) throw new XidConflictError(item.xid, existing.type, item.type);
      return existing as T;
    }
    this.store.putIndicator(item);
    return item;
  }

  /**
   * @internal Interface 1 for a group type: `(name, ...type args in TcEx's order, xid?)` or
   * `({ name, xid, ...fields })`. Returns the stored builder (the existing one when the xid is
   * already in the batch).
   */
  protected createGroup<B extends GroupBuilder>(Ctor: GroupBuilderClass<B>, args: readonly unknown[]): B {
    const info = Ctor.info;
    if (isOptions(args[0])) {
      const { name, xid, ...fields } = args[0];
      const builder = new Ctor(name as string, xid as XidInput);
      for (const [k, v] of Object.entries(fields)) if (v !== undefined) builder.addKeyValue(k, v);
      return this.#registerGroup(builder);
    }
    const builder = new Ctor(args[0] as string, args[1 + info.args.length] as XidInput);
    info.args.forEach((field, i) => {
      const v = args[1 + i];
      if (v !== undefined) builder.addKeyValue(field, v);
    });
    return this.#registerGroup(builder);
  }

  /**
   * @internal Interface 1 for an indicator type: `(...values, rating?, confidence?, xid?)` or
   * `({ <value args>, rating, confidence, xid, ...fields })`.
   */
  protected createIndicator<B extends IndicatorBuilder>(Ctor: IndicatorBuilderClass<B>, args: readonly unknown[]): B {
    const info = Ctor.info;
    const n = info.values.length;
    let values: Array<string | undefined>;
    let xid: XidInput;
    const fields: Record<string, unknown> = {};
    if (isOptions(args[0])) {
      const { xid: x, ...rest } = args[0];
      xid = x as XidInput;
      values = info.values.map((v) => rest[v.arg] as string | undefined);
      for (const [k, v] of Object.entries(rest)) if (!info.values.some((s) => s.arg === k)) fields[k] = v;
    } else {
      // positional: the hot path of large feeds (no per-item objects beyond the values array)
      values = n === 1 ? [args[0] as string | undefined] : (args.slice(0, n) as Array<string | undefined>);
      const builder = new Ctor(values, args[n + 2] as XidInput);
      if (args[n] !== undefined) builder.addKeyValue('rating', args[n]);
      if (args[n + 1] !== undefined) builder.addKeyValue('confidence', args[n + 1]);
      return this.#registerIndicator(builder);
    }
    const builder = new Ctor(values, xid);
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) builder.addKeyValue(k, v);
    return this.#registerIndicator(builder);
  }

  /** @internal the generated builder class of a group type name. */
  protected groupClass(type: string): GroupBuilderClass | undefined {
    return Object.hasOwn(groupBuilders, type) ? (groupBuilders as Record<string, GroupBuilderClass>)[type] : undefined;
  }
  /** @internal the generated builder class of an indicator type name. */
  protected indicatorClass(type: string): IndicatorBuilderClass | undefined {
    return Object.hasOwn(indicatorBuilders, type) ? (indicatorBuilders as Record<string, IndicatorBuilderClass>)[type] : undefined;
  }

  // Interface 1 ({@link TypedBatch}): one method per catalogue type, named by the catalogue, on the prototype.
  static {
    const define = (method: string, value: (this: BatchCore, ...args: unknown[]) => unknown) =>
      Object.defineProperty(BatchCore.prototype, method, { value, writable: true, configurable: true, enumerable: false });
    for (const Ctor of Object.values(groupBuilders) as GroupBuilderClass[]) {
      define(Ctor.info.method, function (...args) {
        return this.createGroup(Ctor, args);
      });
    }
    for (const Ctor of Object.values(indicatorBuilders) as IndicatorBuilderClass[]) {
      define(Ctor.info.method, function (...args) {
        return this.createIndicator(Ctor, args);
      });
    }
  }

  /**
   * Interface 2: add a group by type name (`'Event'`), name and optional xid; a catalogue type name
   * gives its typed builder (only those compile; an untyped caller's unknown name throws).
   * Type-specific fields are set with `addKeyValue`.
   * @throws ValidationError when the type is not a batchable group type (ThreatConnect REST API: group types).
   */
  group<T extends keyof GroupBuilderMap>(type: T, name: string, xid?: XidInput): GroupBuilderMap[T];
  group(type: string, name: string, xid?: XidInput): GroupBuilder {
    let Ctor = this.#groupClasses.get(type);
    if (Ctor === undefined) {
      Ctor = this.typeLookup.group(type) ? this.groupClass(type) : undefined;
      if (Ctor !== undefined) this.#groupClasses.set(type, Ctor);
    }
    if (!Ctor) {
      throw new ValidationError({ item: { kind: 'group', type, summary: name }, field: 'type', rule: typeNameRule('group', this.typeLookup.names('group')), value: type });
    }
    return this.#registerGroup(new Ctor(name, xid));
  }

  /**
   * Interface 2: add an indicator by type name, summary, rating, confidence and xid. Multi-value
   * summaries are split on `' : '` (File hashes are told apart by length).
   * @throws ValidationError when the type is unknown or the summary breaks the type's rules.
   */
  indicator<T extends keyof IndicatorBuilderMap>(type: T, summary: string, rating?: RatingInput, confidence?: ConfidenceInput, xid?: XidInput): IndicatorBuilderMap[T];
  indicator(type: string, summary: string, rating?: number | string, confidence?: number | string, xid?: XidInput): IndicatorBuilder {
    let Ctor = this.#indicatorClasses.get(type);
    if (Ctor === undefined) {
      const info = this.typeLookup.indicator(type);
      Ctor = info === undefined ? undefined : info.custom ? this.typeLookup.customBuilder(type) ?? this.indicatorClass(type) : this.indicatorClass(type);
      if (Ctor !== undefined) this.#indicatorClasses.set(type, Ctor);
    }
    if (!Ctor) {
      throw new ValidationError({ item: { kind: 'indicator', type, summary }, field: 'type', rule: typeNameRule('indicator', this.typeLookup.names('indicator')), value: type });
    }
    const builder = new Ctor(splitSummary(Ctor.info, summary), xid);
    if (rating !== undefined) builder.addKeyValue('rating', rating);
    if (confidence !== undefined) builder.addKeyValue('confidence', confidence);
    return this.#registerIndicator(builder);
  }

  #addRaw(kind: 'group' | 'indicator', data: unknown, copy = true): StoredItem {
    if (!isOptions(data)) throw new ValidationError({ item: { kind }, rule: `${kind === 'indicator' ? 'an' : 'a'} ${kind} is an object`, value: data });
    const { fileContent, ...json } = data;
    const type = json.type;
    const label = json.summary ?? json.name;
    const ref: ItemRef = { kind, type: typeof type === 'string' ? type : undefined, xid: typeof json.xid === 'string' ? json.xid : undefined, summary: typeof label === 'string' ? label : undefined };
    const validate = this.typeLookup.validator(kind, type);
    if (!validate) {
      throw new ValidationError({ item: ref, field: 'type', rule: typeNameRule(kind, this.typeLookup.names(kind)), value: type, pointer: '/type' });
    }
    if (typeof json.xid !== 'string' || json.xid === '') {
      throw new ValidationError({ item: ref, field: 'xid', rule: 'Interface 3 needs an xid on every item (README: Interface 3: raw objects)', value: json.xid, pointer: '/xid' });
    }
    renameApiFields(this.typeLookup.info(kind, type), json);
    const result = validate(json);
    if (!result.valid) {
      const issue = result.issues[0]!;
      throw new ValidationError({ item: ref, field: issue.pointer.slice(1), rule: issue.rule, value: issue.value, pointer: issue.pointer });
    }
    if (fileContent !== undefined && kind === 'group' && !this.typeLookup.group(type)?.fileContent) {
      throw new ValidationError({ item: ref, field: 'fileContent', rule: `only ${FILE_CONTENT_GROUPS} groups take file content` });
    }
    return this.#register(new RawItem(kind, copy ? structuredClone(json) : json, fileContent as FileContent | undefined));
  }

  /**
   * {@link addGroup} or {@link addIndicator} of a JSON object the caller hands over and never
   * touches again (an importer's freshly parsed record): validated the same way, but kept as it is
   * instead of copied.
   * @internal for the importers
   */
  addOwned(kind: 'group' | 'indicator', data: Record<string, unknown>): StoredItem {
    return this.#addRaw(kind, data, false);
  }

  /**
   * Interface 3: add a raw group object (wire shape, `xid` required; `fileContent` allowed on
   * Document/Report and kept out of the JSON). The object is validated by the generated validator
   * of its type and copied (later changes to it do not leak in).
   * @returns the stored item (the existing one when the xid is already in the batch)
   * @throws ValidationError naming the pointer and rule of the first problem.
   */
  addGroup<T extends GroupInput>(group: T): StoredItem {
    return this.#addRaw('group', group);
  }

  /** Interface 3 for indicators; see {@link addGroup}. A custom type of the batch's `types` is accepted too. */
  addIndicator<T extends IndicatorInput>(indicator: T): StoredItem {
    return this.#addRaw('indicator', indicator);
  }

  /**
   * Add an entry to the top-level `association` array (TC >= 7.8.2, ThreatConnect V2 Batch API: associations).
   * A->B and B->A with the same associationType are the same entry; the first orientation is kept.
   * @throws ValidationError when a side has neither ref nor id.
   */
  association(entry: AssociationEntry): Record<string, unknown> {
    if (!isOptions(entry)) throw new ValidationError({ item: { kind: 'association' }, rule: 'an association is an object with ref_1/id_1, type_1, ref_2/id_2, type_2', value: entry });
    const clean: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(entry)) if (v !== undefined && v !== null) clean[k] = v;
    const result = validateAssociationEntry(clean);
    if (!result.valid) {
      const issue = result.issues[0]!;
      throw new ValidationError({ item: { kind: 'association' }, field: issue.pointer.slice(1), rule: issue.rule, value: issue.value, pointer: issue.pointer });
    }
    const side = (i: 1 | 2) => JSON.stringify([clean[`ref_${i}`] ?? null, clean[`type_${i}`] ?? null, clean[`id_${i}`] ?? null]);
    const sides = [side(1), side(2)].sort();
    return this.store.putAssociation(JSON.stringify([clean.associationType ?? null, ...sides]), clean);
  }

  /**
   * The stored group or indicator with this xid, or undefined. For an item added through Interface 1
   * or 2 this is its builder (a change to it is kept; the default store rebuilds the builder of an
   * item it has packed); for Interface 3 a read-only item.
   */
  item(kind: 'group' | 'indicator', xid: string): StoredItem | undefined {
    return kind === 'group' ? this.store.getGroup(xid) : this.store.getIndicator(xid);
  }

  /** Items in the batch: groups plus indicators (associations not counted), as the reference's `len()`. */
  get size(): number {
    return this.store.groupCount + this.store.indicatorCount;
  }

  /** Counts by kind. */
  get counts(): { groups: number; indicators: number; associations: number } {
    return { groups: this.store.groupCount, indicators: this.store.indicatorCount, associations: this.store.associationCount };
  }
}

/**
 * Interface 3 dicts may use a field's API name where the wire name differs (a Host's `dnsActive`
 * and `whoisActive` are `flag1` and `flag2`, as the reference writes them): renamed in place when
 * the wire name is not there too. Names come from the catalog.
 */
function renameApiFields(info: GroupTypeInfo | IndicatorTypeInfo | undefined, json: Record<string, unknown>): void {
  if (!info) return;
  for (const f of Object.values(info.fields)) {
    if (f.name !== f.wire && Object.hasOwn(json, f.name) && !Object.hasOwn(json, f.wire)) {
      json[f.wire] = json[f.name];
      delete json[f.name];
    }
  }
}

/**
 * Split a summary into value slots: single-value types keep it whole; File parts are placed by
 * hash length (32 md5, 40 sha1, 64 sha256); other multi-value types split on `' : '`, the second
 * slot taking any extra parts (ThreatConnect V2 Batch API: indicator fields). Only `' : '` separates: `Foo: Bar` stays one part.
 */
export function splitSummary(info: IndicatorTypeInfo, summary: string): Array<string | undefined> {
  const n = info.values.length;
  if (n === 1 || typeof summary !== 'string') return [summary];
  const parts = splitOnSeparator(summary);
  const lengths = slotLengths(info);
  if (lengths !== undefined) {
    const slots: Array<string | undefined> = new Array(n).fill(undefined);
    for (const part of parts) {
      const p = part.trim();
      if (p === '') continue;
      const i = lengths.indexOf(p.length);
      if (i < 0 || slots[i] !== undefined) return [summary];
      slots[i] = p;
    }
    return slots;
  }
  if (parts.length <= n) {
    for (let i = parts.length; i < n; i++) (parts as Array<string | undefined>).push(undefined);
    return parts;
  }
  // More parts than slots: the first and the last n - 2 slots take one part each (a Registry Key's
  // value type is last), the second slot the rest (a value name may contain ' : ').
  const tailStart = parts.length - (n - 2);
  return [parts[0], parts.slice(1, tailStart).join(SUMMARY_SEPARATOR), ...parts.slice(tailStart)];
}

/** `summary.split(SUMMARY_SEPARATOR)`, by `indexOf` (faster for the few parts of a summary). */
function splitOnSeparator(summary: string): string[] {
  let at = summary.indexOf(SUMMARY_SEPARATOR);
  if (at < 0) return [summary];
  const parts: string[] = [];
  let from = 0;
  while (at >= 0) {
    parts.push(summary.slice(from, at));
    from = at + SUMMARY_SEPARATOR.length;
    at = summary.indexOf(SUMMARY_SEPARATOR, from);
  }
  parts.push(summary.slice(from));
  return parts;
}

/** The fixed lengths of a type's value slots when every slot has one (File hashes), else undefined; by catalogue entry. */
const lengthsOf = new WeakMap<IndicatorTypeInfo, readonly number[] | null>();
function slotLengths(info: IndicatorTypeInfo): readonly number[] | undefined {
  let lengths = lengthsOf.get(info);
  if (lengths === undefined) {
    const all = info.values.map((v) => v.length);
    lengths = all.every((l) => l !== undefined) ? (all as number[]) : null;
    lengthsOf.set(info, lengths);
  }
  return lengths ?? undefined;
}
