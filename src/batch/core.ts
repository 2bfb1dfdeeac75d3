/**
 * `BatchCore`: the part of `Batch` that the generated per-type methods (`generated/builders`)
 * build on. It turns the seed's positional and options-object call forms into builders, stores
 * them (first write wins per xid; another type under the same xid is an error), and takes raw
 * objects (Interface 3) and top-level associations after checking them with the generated
 * validators.
 */
import { ValidationError, XidConflictError, type ItemRef } from '../errors.js';
import { groupTypes, indicatorTypes } from '../../generated/catalog.js';
import { groupValidators, indicatorValidators, validateAssociationEntry } from '../../generated/validators/index.js';
import type { GroupTypeInfo, IndicatorTypeInfo } from '../model/catalog-types.js';
import { SUMMARY_SEPARATOR } from '../model/catalog-types.js';
import type { GroupBuilder, IndicatorBuilder, XidInput, FileContent } from '../model/builder.js';
import type { ValidationResult } from '../model/validation.js';
import type { AssociationEntry } from '../../generated/types/index.js';
import { MemoryStore, type BatchStore, type FileUpload, type StoredItem } from './store.js';

/** A generated group builder class. */
export interface GroupBuilderClass<B extends GroupBuilder = GroupBuilder> {
  new (name: string, xid?: XidInput): B;
  readonly info: GroupTypeInfo;
}

/** A generated indicator builder class. */
export interface IndicatorBuilderClass<B extends IndicatorBuilder = IndicatorBuilder> {
  new (values: ReadonlyArray<string | undefined>, xid?: XidInput): B;
  readonly info: IndicatorTypeInfo;
}

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
  /** The pending file upload, if content was given. */
  fileUpload(): FileUpload | undefined {
    if (this.#content === undefined) return undefined;
    return { xid: this.xid, type: this.type, fileName: this.#json.fileName as string | undefined, content: this.#content };
  }
}

/** Options every Batch takes for its store. */
export interface BatchCoreOptions {
  /** Where items live until chunked (default: in memory). */
  store?: BatchStore;
}

/** Storage and the generic factories behind the typed per-type methods. */
export abstract class BatchCore {
  /** @internal */
  protected readonly store: BatchStore;

  constructor(options: BatchCoreOptions = {}) {
    this.store = options.store ?? new MemoryStore();
  }

  #register<T extends StoredItem>(item: T): T {
    const existing = item.kind === 'group' ? this.store.getGroup(item.xid) : this.store.getIndicator(item.xid);
    if (existing) {
      if (existing.type !== item.type) throw new XidConflictError(item.xid, existing.type, item.type);
      return existing as T;
    }
    if (item.kind === 'group') this.store.putGroup(item);
    else this.store.putIndicator(item);
    return item;
  }

  /**
   * @internal Interface 1 for a group type: `(name, ...type args in seed order, xid?)` or
   * `({ name, xid, ...fields })`. Returns the stored builder (the existing one when the xid is
   * already in the batch).
   */
  protected createGroup<B extends GroupBuilder>(Ctor: GroupBuilderClass<B>, args: readonly unknown[]): B {
    const info = Ctor.info;
    if (isOptions(args[0])) {
      const { name, xid, ...fields } = args[0];
      const builder = new Ctor(name as string, xid as XidInput);
      for (const [k, v] of Object.entries(fields)) if (v !== undefined) builder.addKeyValue(k, v);
      return this.#register(builder);
    }
    const builder = new Ctor(args[0] as string, args[1 + info.args.length] as XidInput);
    info.args.forEach((field, i) => {
      const v = args[1 + i];
      if (v !== undefined) builder.addKeyValue(field, v);
    });
    return this.#register(builder);
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
      return this.#register(builder);
    }
    const builder = new Ctor(values, xid);
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) builder.addKeyValue(k, v);
    return this.#register(builder);
  }

  /** @internal the generated builder class of a group type name, or a ValidationError. */
  protected abstract groupClass(type: string): GroupBuilderClass | undefined;
  /** @internal the generated builder class of an indicator type name. */
  protected abstract indicatorClass(type: string): IndicatorBuilderClass | undefined;

  /**
   * Interface 2: add a group by type name (`'Event'`), name and optional xid. Type-specific
   * fields are set with `addKeyValue`.
   * @throws ValidationError when the type is not a batchable group type (tc-batch-api.md §10).
   */
  group(type: string, name: string, xid?: XidInput): GroupBuilder {
    const Ctor = typeof type === 'string' && Object.hasOwn(groupTypes, type) ? this.groupClass(type) : undefined;
    if (!Ctor) {
      throw new ValidationError({ item: { kind: 'group', type, summary: name }, field: 'type', rule: `a group type is one of ${Object.keys(groupTypes).join(', ')} (tc-batch-api.md §10)`, value: type });
    }
    return this.#register(new Ctor(name, xid));
  }

  /**
   * Interface 2: add an indicator by type name, summary, rating, confidence and xid. Multi-value
   * summaries are split on `' : '` (File hashes are told apart by length).
   * @throws ValidationError when the type is unknown or the summary breaks the type's rules.
   */
  indicator(type: string, summary: string, rating?: number | string, confidence?: number | string, xid?: XidInput): IndicatorBuilder {
    const Ctor = typeof type === 'string' && Object.hasOwn(indicatorTypes, type) ? this.indicatorClass(type) : undefined;
    if (!Ctor) {
      throw new ValidationError({ item: { kind: 'indicator', type, summary }, field: 'type', rule: `an indicator type is one of ${Object.keys(indicatorTypes).join(', ')} (tc-batch-api.md §9)`, value: type });
    }
    const builder = new Ctor(splitSummary(Ctor.info, summary), xid);
    if (rating !== undefined) builder.addKeyValue('rating', rating);
    if (confidence !== undefined) builder.addKeyValue('confidence', confidence);
    return this.#register(builder);
  }

  #addRaw(kind: 'group' | 'indicator', data: unknown): StoredItem {
    if (!isOptions(data)) throw new ValidationError({ item: { kind }, rule: `${kind === 'indicator' ? 'an' : 'a'} ${kind} is an object`, value: data });
    const { fileContent, ...json } = data;
    const type = json.type;
    const label = json.summary ?? json.name;
    const ref: ItemRef = { kind, type: typeof type === 'string' ? type : undefined, xid: typeof json.xid === 'string' ? json.xid : undefined, summary: typeof label === 'string' ? label : undefined };
    const validators: Record<string, ((d: unknown) => ValidationResult<unknown>) | undefined> = kind === 'group' ? groupValidators : indicatorValidators;
    const validate = typeof type === 'string' && Object.hasOwn(validators, type) ? validators[type] : undefined;
    if (!validate) {
      const names = Object.keys(kind === 'group' ? groupTypes : indicatorTypes).join(', ');
      throw new ValidationError({ item: ref, field: 'type', rule: `${kind === 'indicator' ? 'an' : 'a'} ${kind} type is one of ${names}`, value: type, pointer: '/type' });
    }
    if (typeof json.xid !== 'string' || json.xid === '') {
      throw new ValidationError({ item: ref, field: 'xid', rule: 'Interface 3 needs an xid on every item (seed-batch.md)', value: json.xid, pointer: '/xid' });
    }
    renameApiFields(kind, type as string, json);
    const result = validate(json);
    if (!result.valid) {
      const issue = result.issues[0]!;
      throw new ValidationError({ item: ref, field: issue.pointer.slice(1), rule: issue.rule, value: issue.value, pointer: issue.pointer });
    }
    if (fileContent !== undefined && kind === 'group' && !(groupTypes as Record<string, GroupTypeInfo>)[type as string]?.fileContent) {
      throw new ValidationError({ item: ref, field: 'fileContent', rule: 'only Document and Report groups take file content' });
    }
    return this.#register(new RawItem(kind, structuredClone(json), fileContent as FileContent | undefined));
  }

  /**
   * Interface 3: add a raw group object (wire shape, `xid` required; `fileContent` allowed on
   * Document/Report and kept out of the JSON). The object is validated by the generated validator
   * of its type and copied (later changes to it do not leak in).
   * @returns the stored item (the existing one when the xid is already in the batch)
   * @throws ValidationError naming the pointer and rule of the first problem.
   */
  addGroup(group: Record<string, unknown>): StoredItem {
    return this.#addRaw('group', group);
  }

  /** Interface 3 for indicators; see {@link addGroup}. */
  addIndicator(indicator: Record<string, unknown>): StoredItem {
    return this.#addRaw('indicator', indicator);
  }

  /**
   * Add an entry to the top-level `association` array (TC >= 7.8.2, tc-batch-api.md §5.3).
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
function renameApiFields(kind: 'group' | 'indicator', type: string, json: Record<string, unknown>): void {
  const types: Record<string, GroupTypeInfo | IndicatorTypeInfo> = kind === 'group' ? groupTypes : indicatorTypes;
  const info = Object.hasOwn(types, type) ? types[type] : undefined;
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
 * slot taking any extra parts (tc-batch-api.md §5.1). Only `' : '` separates: `Foo: Bar` stays one part.
 */
export function splitSummary(info: IndicatorTypeInfo, summary: string): Array<string | undefined> {
  const n = info.values.length;
  if (n === 1 || typeof summary !== 'string') return [summary];
  const parts = summary.split(SUMMARY_SEPARATOR);
  const lengths = info.values.map((v) => v.length);
  if (lengths.every((l) => l !== undefined)) {
    const slots: Array<string | undefined> = new Array(n).fill(undefined);
    for (const p of parts.map((x) => x.trim()).filter((x) => x !== '')) {
      const i = lengths.indexOf(p.length);
      if (i < 0 || slots[i] !== undefined) return [summary];
      slots[i] = p;
    }
    return slots;
  }
  if (parts.length <= n) return [...parts, ...new Array<undefined>(n - parts.length).fill(undefined)];
  // More parts than slots: the first and the last n - 2 slots take one part each (a Registry Key's
  // value type is last), the second slot the rest (a value name may contain ' : ').
  const tailStart = parts.length - (n - 2);
  return [parts[0], parts.slice(1, tailStart).join(SUMMARY_SEPARATOR), ...parts.slice(tailStart)];
}
