/**
 * Hand-written bases of the generated builder classes (`generated/builders`). A builder holds one
 * group or indicator: identity (type, xid, name or summary), scalar fields by wire name, and
 * metadata (attributes, tags, security labels, associations, file occurrences). `toJSON()` is
 * pure and gives the exact Batch V2 wire object (ThreatConnect V2 Batch API: indicator fields; ThreatConnect V2 Batch API: group fields).
 *
 * Everything type-specific (which fields exist, their friendly names and kinds, value slots)
 * comes from the generated catalogue entry the subclass passes in; nothing here lists types.
 */
import { ValidationError, printable, type ItemRef } from '../errors.js';
import type { FieldInfo, GroupTypeInfo, IndicatorTypeInfo, MetadataInfo, MetadataKind, TypeInfo } from './catalog-types.js';
import { SUMMARY_SEPARATOR } from './catalog-types.js';
import { Attribute, FileOccurrence, SecurityLabel, type MetadataOwner } from './metadata.js';
import { parseField } from './values.js';
import { defaultXid, randomXid } from './xid.js';
import type { DateInput } from './dates.js';
import type { ValidationResult } from './validation.js';

/**
 * An xid choice (README: Design notes): omitted or `true` for the deterministic
 * `sha256("{type}-{name|summary}")`, `false` for a random uuid4, or the xid itself.
 */
export type XidInput = string | boolean | undefined;

/** Document/Report content: the bytes, a string (UTF-8), or a callback given the xid (awaited one at a time at upload). */
export type FileContent = string | Uint8Array | ((xid: string) => string | Uint8Array | Promise<string | Uint8Array>);

/** A generated validator, as the builders call it. */
export type AnyValidator = (data: unknown) => ValidationResult<unknown>;

/**
 * What the builder bases read from the generated layer, which passes it in (the core never imports
 * `generated/`): the validators of item types and of metadata objects, and the catalogue's metadata
 * entries (their identifying fields).
 */
export interface BuilderSchema {
  /** The validator of items of `type`, when one is known. */
  item(type: string): AnyValidator | undefined;
  /** Validators of attributes, security labels, tags and file occurrences. */
  readonly metadata: Readonly<Record<MetadataKind, AnyValidator>>;
  /** `x-tc-builder` of each metadata object: which fields identify it on an item. */
  readonly metadataInfo: Readonly<Record<MetadataKind, MetadataInfo>>;
}

/**
 * Tag names known to pass the `tag` validator; at most {@link VALID_TAG_CACHE} per validator.
 * Feeds repeat the same few tags on every item: a name seen valid is not validated again. (Other
 * metadata objects are validated at each call: their values differ per item, and validating is
 * cheaper than building a cache key.)
 */
const validTags = new WeakMap<AnyValidator, Set<string>>();
const VALID_TAG_CACHE = 4096;

/** Whether tags merge by name (the `tag` definition's identifying fields name it), by schema. */
const tagMerge = new WeakMap<BuilderSchema, boolean>();
function mergesTags(schema: BuilderSchema): boolean {
  let merge = tagMerge.get(schema);
  if (merge === undefined) tagMerge.set(schema, (merge = schema.metadataInfo.tag.key?.includes('name') === true));
  return merge;
}

/** Whether `a` and `b` agree on every identifying field (none: never the same object). */
function sameKey(a: object, b: object, key: readonly string[] | undefined): boolean {
  if (key === undefined || key.length === 0) return false;
  for (const k of key) if ((a as Record<string, unknown>)[k] !== (b as Record<string, unknown>)[k]) return false;
  return true;
}

/** Wire names of a type's settable fields (restoring a stored item tells fields from the builder's own keys). */
const wireFields = new WeakMap<TypeInfo, ReadonlySet<string>>();
function wireFieldsOf(info: TypeInfo): ReadonlySet<string> {
  let set = wireFields.get(info);
  if (set === undefined) wireFields.set(info, (set = new Set(Object.values(info.fields).map((f) => f.wire))));
  return set;
}

/** The keys `toJSON()` writes itself, besides the fields. */
const OWN_KEYS = new Set(['summary', 'name', 'type', 'xid', 'attribute', 'securityLabel', 'tag', 'associatedGroups', 'associatedGroupXid', 'associatedIndicators', 'fileOccurrence']);

/**
 * Whether every field of a type keeps its place in `toJSON()` (so the JSON text can be written in
 * the fields' order): no field is named like a key the builder writes itself, and none is an array
 * index (`JSON.stringify` writes those keys first).
 */
const plainKeys = new WeakMap<TypeInfo, boolean>();
function hasPlainKeys(info: TypeInfo): boolean {
  let plain = plainKeys.get(info);
  if (plain === undefined) plainKeys.set(info, (plain = ![...wireFieldsOf(info)].some((k) => OWN_KEYS.has(k) || /^(0|[1-9]\d*)$/.test(k))));
  return plain;
}

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

/**
 * Something told when a builder it holds changes after it was added (a disk-backed store writes
 * the builder back, and re-admits it to its cache when it had been evicted).
 */
export interface BuilderListener {
  /** Called after any change to `builder` (fields, values, metadata, associations, file content). */
  builderChanged(builder: Builder): void;
}

/**
 * What a builder class may carry besides its catalogue entry: the validator of its type. The
 * builders of custom indicator types (made by `tcbatch codegen` or `loadIndicatorTypes`) have one;
 * the generated built-in classes use the generated validator of their type.
 */
interface BuilderStatics {
  readonly validator?: AnyValidator;
}

/**
 * Validate `data` with the validator of the builder's class, else the generated one of `type`, and throw the first issue as a ValidationError.
 * @param owner names the item in the error (read only when there is one: no per-call ref object)
 * @param only when given, only issues at these JSON pointers count
 */
function check(type: string, data: Record<string, unknown>, owner: { readonly ref: ItemRef; readonly schema: BuilderSchema }, only?: readonly string[]): void {
  const validate = (owner.constructor as BuilderStatics).validator ?? owner.schema.item(type);
  if (!validate) return;
  const result = validate(data);
  if (result.valid) return;
  const issue = result.issues.find((i) => (only ? only.includes(i.pointer) : true));
  if (!issue) return;
  throw new ValidationError({ item: owner.ref, field: issue.pointer.slice(1) || undefined, rule: issue.rule, value: issue.value, pointer: issue.pointer });
}

const NAME_OR_XID = ['/name', '/xid'] as const;

function resolveXid(xid: XidInput, kind: 'group' | 'indicator', type: string, value: string): string {
  if (xid === undefined || xid === true) return defaultXid(type, value);
  if (xid === false) return randomXid();
  if (typeof xid !== 'string' || xid === '') throw new ValidationError({ item: { kind, type, summary: value }, field: 'xid', rule: 'an xid is a non-empty string, true (derived) or false (random)', value: xid });
  return xid;
}

/**
 * The changing part of a builder, in one object of one class. A builder instance has few own
 * fields (type, xid, info, this state, its name or summary): the generated subclasses give every
 * type its own object shape, and each field a constructor defines costs per shape; the state's
 * fields are defined on one shape only. Containers are created on first use: a batch may hold
 * 10^7 builders.
 */
class BuilderState {
  fields: Map<string, unknown> | undefined = undefined;
  attributes: Attribute[] | undefined = undefined;
  tags: string[] | undefined = undefined;
  labels: SecurityLabel[] | undefined = undefined;
  listener: BuilderListener | undefined = undefined;
  /** Groups: `associatedGroupXid`; indicators: the group xids of `associatedGroups`. */
  groupXids: string[] | undefined = undefined;
  /** Groups: `associatedIndicators`. */
  indicators: Array<{ summary: string; indicatorType: string }> | undefined = undefined;
  /** Groups: Document/Report file content. */
  content: FileContent | undefined = undefined;
  /** Indicators: the value slots of a multi-value type (single-value types keep only the summary). */
  values: Array<string | undefined> | undefined = undefined;
  /** Indicators: file occurrences. */
  occurrences: FileOccurrence[] | undefined = undefined;
}

/** The state of a builder (for the group and indicator bases of this module). */
let stateOf: (b: Builder) => BuilderState;

/** Common part of group and indicator builders. */
export abstract class Builder implements MetadataOwner {
  /** Wire `type` (`Address`, `Attack Pattern`). */
  declare readonly type: string;
  /** External id of the item in this batch. */
  declare readonly xid: string;
  /** @internal catalogue entry of the type */
  declare protected readonly info: TypeInfo;
  #s: BuilderState;

  static {
    stateOf = (b) => b.#s;
  }

  protected constructor(info: TypeInfo, xid: string) {
    this.type = info.type;
    this.xid = xid;
    this.info = info;
    this.#s = new BuilderState();
  }

  /** `group` or `indicator`. */
  abstract get kind(): 'group' | 'indicator';

  /** @internal the validators and metadata entries of the generated layer (a prototype getter of the generated bases). */
  abstract get schema(): BuilderSchema;

  /**
   * @internal Check a metadata object of this item against its schema definition.
   * @throws ValidationError naming this item, `<kind>.<field>` and the schema's rule.
   */
  checkMetadata(kind: MetadataKind, json: Record<string, unknown>, field?: string): void {
    const validate = this.schema.metadata[kind];
    const result = validate(json);
    if (result.valid) return;
    const issue = result.issues[0]!;
    const at = issue.pointer.slice(1);
    throw new ValidationError({ item: this.ref, field: field ?? (at ? `${kind}.${at}` : kind), rule: issue.rule, value: issue.value === undefined ? json : issue.value });
  }

  /** Check a tag name against the `tag` definition (a name seen valid before is not checked again). */
  #checkTag(name: string): void {
    const validate = this.schema.metadata.tag;
    let known = validTags.get(validate);
    if (known === undefined) validTags.set(validate, (known = new Set()));
    if (typeof name === 'string' && known.has(name)) return;
    this.checkMetadata('tag', { name }, 'tag');
    if (typeof name !== 'string') return;
    if (known.size >= VALID_TAG_CACHE) known.clear();
    known.add(name);
  }

  /**
   * @internal Register the store holding this builder: it is told of every later change
   * ({@link BuilderListener}). One listener per builder; `undefined` detaches.
   */
  attachStore(listener: BuilderListener | undefined): void {
    this.#s.listener = listener;
  }

  /** @internal tell the store (if any) that this builder changed. Every mutating method calls it. */
  protected changed(): void {
    const listener = this.#s.listener;
    if (listener !== undefined) listener.builderChanged(this);
  }

  /** @internal a metadata object of this builder (attribute, label, occurrence) was changed by a setter. */
  metadataChanged(): void {
    this.changed();
  }

  /** Kind, type, xid and summary/name of this item, for error messages. */
  abstract get ref(): ItemRef;

  #field(key: string): FieldInfo {
    const fields = this.info.fields;
    // own keys only: `constructor` or `__proto__` is no field (not Object.prototype's members)
    const f = typeof key !== 'string' ? undefined : Object.hasOwn(fields, key) ? fields[key] : Object.values(fields).find((x) => x.wire === key);
    if (!f) {
      throw new ValidationError({
        item: this.ref,
        field: typeof key === 'string' ? key : printable(key),
        rule: `is not a field of ${this.type}; known fields: ${Object.keys(fields).join(', ')}`,
        code: 'TCB_UNKNOWN_FIELD',
      });
    }
    return f;
  }

  /** Current wire value of a field, by API or wire name. */
  protected get(key: string): unknown {
    return this.#s.fields?.get(this.#field(key).wire);
  }

  /**
   * Set a field by API name (`dnsActive`) or wire name (`flag1`); `undefined` removes it.
   * The value is parsed by the field's kind (dates to UTC, `'5.0'` ratings, `'true'` booleans) and
   * checked against the type's schema.
   * @throws ValidationError naming the item, field and rule.
   */
  protected set(key: string, value: unknown): void {
    const f = this.#field(key);
    if (f.clientOnly) {
      this.setClientOnly(f, value);
      this.changed();
      return;
    }
    if (value === undefined || value === null) {
      if (this.#s.fields?.delete(f.wire)) this.changed();
      return;
    }
    const parsed = parseField(f, value, this.ref);
    // rating, confidence, booleans and dates are fully checked by their parsers; other kinds can
    // carry schema rules (lengths, patterns), checked against the type schema.
    if (f.kind === 'string' || f.kind === 'integer' || f.kind === 'number') {
      const pointer = `/${f.wire.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      check(this.type, { ...this.identity(), [f.wire]: parsed }, this, [pointer]);
    }
    (this.#s.fields ??= new Map()).set(f.wire, parsed);
    this.changed();
  }

  /** @internal client-side fields (Document/Report content). */
  protected setClientOnly(f: FieldInfo, _value: unknown): void {
    throw new ValidationError({ item: this.ref, field: f.name, rule: `is not available on ${this.type}` });
  }

  /** @internal the minimal valid object used to check a single field against the type schema. */
  protected abstract identity(): Record<string, unknown>;

  /**
   * Set a type-specific field by name (Interface 2 of TcEx's Module: Batch page): the wire name (`eventDate`,
   * `flag1`) or the API name (`dnsActive`). Returns the builder for chaining.
   * @throws ValidationError for an unknown key or a bad value.
   */
  addKeyValue(key: string, value: unknown): this {
    this.set(key, value);
    return this;
  }

  /**
   * Add an attribute, or return the existing one with the same type and value (no duplicates).
   * @param displayed show it on the item page (Description and Source only)
   * @throws ValidationError when type or value is empty.
   */
  attribute(type: string, value: string, displayed?: boolean, source?: string): Attribute {
    const s = this.#s;
    const list = s.attributes;
    if (list !== undefined) {
      const key = this.schema.metadataInfo.attribute.key;
      const wanted = { type, value, displayed, source };
      for (const a of list) if (sameKey(a, wanted, key)) return a;
    }
    const attr = new Attribute(type, value, displayed, source, this);
    if (list === undefined) s.attributes = [attr]; // exact-size array: a batch may hold 10^7 builders
    else list.push(attr);
    this.changed();
    return attr;
  }

  /**
   * Add a tag; adding one with the same name again does nothing (the `tag` definition's identifying
   * fields). The name is checked at the call against the schema's `tag` definition (1 to 128
   * characters, not only whitespace; ThreatConnect V2 Batch API: limits).
   * @throws ValidationError (field `tag`) when the name breaks a rule.
   */
  tag(name: string): this {
    this.#checkTag(name);
    const s = this.#s;
    const tags = s.tags;
    if (tags === undefined) s.tags = [name]; // an array, not a Set: most items have a few tags
    else if (!tags.includes(name) || !mergesTags(this.schema)) tags.push(name);
    else return this;
    this.changed();
    return this;
  }

  /**
   * Add a security label, or return the existing one with that name (its description and color
   * are kept; set them on the returned label).
   * @throws ValidationError when the name is empty or the color is not six hex digits.
   */
  securityLabel(name: string, description?: string, color?: string): SecurityLabel {
    const s = this.#s;
    const list = s.labels;
    if (list !== undefined) {
      const key = this.schema.metadataInfo.securityLabel.key;
      const wanted = { name, description, color };
      for (const l of list) if (sameKey(l, wanted, key)) return l;
    }
    const label = new SecurityLabel(name, description, color, this);
    if (list === undefined) s.labels = [label];
    else list.push(label);
    this.changed();
    return label;
  }

  /** The attributes added so far. */
  get attributes(): readonly Attribute[] {
    return this.#s.attributes ?? [];
  }
  /** The tag names added so far. */
  get tags(): readonly string[] {
    const tags = this.#s.tags;
    return tags ? tags.slice() : [];
  }
  /** The security labels added so far. */
  get securityLabels(): readonly SecurityLabel[] {
    return this.#s.labels ?? [];
  }

  /** @internal write scalar fields, then the metadata arrays, into `out`. */
  protected writeBody(out: Record<string, unknown>): void {
    const s = this.#s;
    if (s.fields) for (const [k, v] of s.fields) out[k] = v;
    if (s.attributes) out.attribute = s.attributes.map((a) => a.toJSON());
    if (s.labels) out.securityLabel = s.labels.map((l) => l.toJSON());
    if (s.tags) {
      const tags = s.tags;
      const tag = new Array<{ name: string }>(tags.length);
      for (let i = 0; i < tags.length; i++) tag[i] = { name: tags[i]! };
      out.tag = tag;
    }
  }

  /**
   * @internal {@link writeBody}'s members as JSON text, each after a comma; undefined when the
   * type's fields do not keep their place (then only `JSON.stringify(toJSON())` gives the text).
   */
  protected writeBodyText(): string | undefined {
    const s = this.#s;
    let t = '';
    if (s.fields) {
      if (!hasPlainKeys(this.info)) return undefined;
      for (const [k, v] of s.fields) {
        const j = JSON.stringify(v) as string | undefined;
        if (j !== undefined) t += `,${JSON.stringify(k)}:${j}`;
      }
    }
    if (s.attributes) t += `,"attribute":${list(s.attributes, metadataText)}`;
    if (s.labels) t += `,"securityLabel":${list(s.labels, metadataText)}`;
    if (s.tags) t += `,"tag":${list(s.tags, (name) => `{"name":${JSON.stringify(name)}}`)}`;
    return t;
  }

  /**
   * @internal Replace fields and metadata with those of a wire object (restoring an item a
   * disk-backed store had evicted). Keys that are fields of the type (by wire name) are fields,
   * kept in the object's key order; the metadata arrays are restored; the other keys are the
   * subclass's own. Values are trusted (they were written by this builder's `toJSON()`); no
   * listener is told.
   */
  protected restoreBody(json: Record<string, unknown>): void {
    const s = this.#s;
    s.fields = undefined;
    s.attributes = undefined;
    s.tags = undefined;
    s.labels = undefined;
    const fields = wireFieldsOf(this.info);
    for (const key of Object.keys(json)) {
      const v = json[key];
      if (fields.has(key)) (s.fields ??= new Map()).set(key, v);
      else if (key === 'attribute') {
        s.attributes = (v as Array<Record<string, unknown>>).map((a) => {
          const attr = new Attribute(a.type as string, a.value as string, a.displayed as boolean | undefined, a.source as string | undefined, this);
          if (a.pinned !== undefined) attr.pinned = a.pinned as boolean;
          return attr;
        });
      } else if (key === 'securityLabel') {
        s.labels = (v as Array<Record<string, unknown>>).map((l) => new SecurityLabel(l.name as string, l.description as string | undefined, l.color as string | undefined, this));
      } else if (key === 'tag') {
        s.tags = (v as Array<{ name: string }>).map((t) => t.name);
      }
    }
  }

  /**
   * @internal Replace this builder's whole state with a wire object written by `toJSON()` (a
   * disk-backed store restoring an evicted item). The identity (type, xid, name or values) must be
   * the one the builder was constructed with.
   */
  abstract restoreState(json: Record<string, unknown>): void;

  /** The exact Batch V2 wire object. Pure: each call builds a new object with the same content. */
  abstract toJSON(): Record<string, unknown>;

  /**
   * @internal `JSON.stringify(this.toJSON())`, byte for byte, written from the builder's state
   * without the object (the compact and disk stores serialise every item once).
   */
  abstract jsonText(): string;

  /**
   * Check the whole item against its type schema (rules that span fields, such as a malware
   * Document's password).
   * @param json the item's `toJSON()`, when the caller already has it
   * @throws ValidationError for the first broken rule.
   */
  validate(json: Record<string, unknown> = this.toJSON()): void {
    check(this.type, json, this);
  }
}

/** Base of every generated group builder. */
export abstract class GroupBuilder extends Builder {
  /** Group name (at most 100 characters). */
  declare readonly name: string;

  /**
   * @param info the type's catalogue entry
   * @param name group name
   * @param xid see {@link XidInput}
   * @throws ValidationError when the name or xid breaks a rule.
   */
  protected constructor(info: GroupTypeInfo, name: string, xid?: XidInput) {
    if (typeof name !== 'string') throw new ValidationError({ item: { kind: 'group', type: info.type, summary: name }, field: 'name', rule: 'a group name is a string', value: name });
    super(info, resolveXid(xid, 'group', info.type, name));
    this.name = name;
    check(info.type, this.identity(), this, NAME_OR_XID);
    for (const k in info.defaults) this.set(k, info.defaults[k]);
  }

  get kind(): 'group' {
    return 'group';
  }

  get ref(): ItemRef {
    return { kind: 'group', type: this.type, xid: this.xid, summary: this.name };
  }

  protected identity(): Record<string, unknown> {
    return { type: this.type, name: this.name, xid: this.xid };
  }

  protected override setClientOnly(f: FieldInfo, value: unknown): void {
    if (value !== undefined && typeof value !== 'string' && !(value instanceof Uint8Array) && typeof value !== 'function') {
      throw new ValidationError({ item: this.ref, field: f.name, rule: 'file content is a string, bytes or a function (xid) => content', value });
    }
    stateOf(this).content = value as FileContent | undefined;
  }

  /** Document/Report content uploaded after the job completes; never part of the batch JSON. */
  protected get content(): FileContent | undefined {
    return stateOf(this).content;
  }

  /** @internal the pending upload of this group, if it has content. */
  fileUpload(): { xid: string; type: string; fileName: string | undefined; content: FileContent } | undefined {
    const content = stateOf(this).content;
    if (content === undefined) return undefined;
    return { xid: this.xid, type: this.type, fileName: this.#fieldValue('fileName'), content };
  }

  #fieldValue(wire: string): string | undefined {
    const v = this.toJSON()[wire];
    return typeof v === 'string' ? v : undefined;
  }

  /**
   * Associate this group with another group (group -> group, written to `associatedGroupXid`).
   * @param group a group builder of this batch or a group xid (in this batch or the owner)
   */
  association(group: GroupBuilder | string): this {
    const xid: unknown = typeof group === 'string' ? group : (group as { xid?: unknown } | null | undefined)?.xid;
    if (typeof xid !== 'string' || xid === '') throw new ValidationError({ item: this.ref, field: 'associatedGroupXid', rule: 'an association needs a group or a group xid', value: group });
    const s = stateOf(this);
    const list = s.groupXids;
    if (list === undefined) s.groupXids = [xid];
    else if (!list.includes(xid)) list.push(xid);
    else return this;
    this.changed();
    return this;
  }

  /** Associate this group with an indicator by summary and type (`associatedIndicators`). */
  indicatorAssociation(indicator: IndicatorBuilder | { summary: string; type: string }): this {
    const entry = { summary: indicator.summary, indicatorType: indicator.type };
    const list = (stateOf(this).indicators ??= []);
    if (list.some((e) => e.summary === entry.summary && e.indicatorType === entry.indicatorType)) return this;
    list.push(entry);
    this.changed();
    return this;
  }

  /** Xids of the groups this group is associated with. */
  get associatedGroupXids(): readonly string[] {
    return stateOf(this).groupXids ?? EMPTY;
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, type: this.type, xid: this.xid };
    this.writeBody(out);
    const s = stateOf(this);
    if (s.groupXids !== undefined) out.associatedGroupXid = s.groupXids.slice();
    if (s.indicators !== undefined && s.indicators.length > 0) out.associatedIndicators = s.indicators.map((e) => ({ ...e }));
    return out;
  }

  /** @internal see {@link Builder.jsonText}. */
  jsonText(): string {
    const body = this.writeBodyText();
    if (body === undefined) return JSON.stringify(this.toJSON());
    let t = `{"name":${JSON.stringify(this.name)},"type":${JSON.stringify(this.type)},"xid":${JSON.stringify(this.xid)}${body}`;
    const s = stateOf(this);
    if (s.groupXids !== undefined) t += `,"associatedGroupXid":${JSON.stringify(s.groupXids)}`;
    if (s.indicators !== undefined && s.indicators.length > 0) t += `,"associatedIndicators":${JSON.stringify(s.indicators)}`;
    return `${t}}`;
  }

  /** @internal see {@link Builder.restoreState}; file content is not part of the JSON and is kept. */
  restoreState(json: Record<string, unknown>): void {
    this.restoreBody(json);
    const s = stateOf(this);
    const xids = json.associatedGroupXid as string[] | undefined;
    s.groupXids = xids === undefined ? undefined : xids.slice();
    const ind = json.associatedIndicators as Array<{ summary: string; indicatorType: string }> | undefined;
    s.indicators = ind === undefined ? undefined : ind.map((e) => ({ summary: e.summary, indicatorType: e.indicatorType }));
  }
}

const EMPTY: readonly string[] = Object.freeze([]);

/** A JSON array of the texts of `items`. */
function list<T>(items: readonly T[], text: (item: T) => string): string {
  let t = '[';
  for (let i = 0; i < items.length; i++) t += (i === 0 ? '' : ',') + text(items[i]!);
  return `${t}]`;
}

const metadataText = (m: { toJSONText(): string }): string => m.toJSONText();

/** Base of every generated indicator builder. */
export abstract class IndicatorBuilder extends Builder {
  #summary: string;

  /**
   * @param info the type's catalogue entry
   * @param values the value slots in order; empty or undefined slots are left out of the summary
   * @param xid see {@link XidInput}
   * @throws ValidationError when no value is given or a value breaks the type's rules
   *   (ThreatConnect REST API: indicator types).
   */
  protected constructor(info: IndicatorTypeInfo, values: ReadonlyArray<string | undefined>, xid?: XidInput) {
    let summary: string;
    const first = values[0];
    if (values.length === 1 && typeof first === 'string' && first !== '') {
      summary = first; // the common single-value case: no copies
    } else {
      for (const v of values) {
        if (v !== undefined && v !== null && typeof v !== 'string') throw new ValidationError({ item: { kind: 'indicator', type: info.type }, field: 'summary', rule: 'indicator values are strings', value: v });
      }
      const present = values.filter((v): v is string => v !== undefined && v !== null && v !== '');
      summary = present.join(SUMMARY_SEPARATOR);
      const ref: ItemRef = { kind: 'indicator', type: info.type, summary };
      if (present.length === 0) {
        throw new ValidationError({ item: ref, field: info.values.map((v) => v.arg).join('/'), rule: `${/^[AEIO]/.test(info.type) ? 'an' : 'a'} ${info.type} needs a value`, value: summary });
      }
    }
    super(info, resolveXid(xid, 'indicator', info.type, summary));
    this.#summary = summary;
    if (info.values.length !== 1 || values.length !== 1) stateOf(this).values = values.slice();
    this.#checkValues();
  }

  #checkValues(): void {
    const info = this.info as IndicatorTypeInfo;
    const probe: Record<string, unknown> = { type: info.type, summary: this.#summary };
    const slots = info.values;
    const values = stateOf(this).values;
    if (values === undefined) probe[slots[0]!.field] = this.#summary;
    else {
      for (let i = 0; i < slots.length; i++) {
        const v = values[i];
        if (v !== undefined && v !== '') probe[slots[i]!.field] = v;
      }
    }
    check(info.type, probe, this);
  }

  /** The indicator value; multi-value types join their values with `' : '` (ThreatConnect V2 Batch API: indicator fields). */
  get summary(): string {
    return this.#summary;
  }

  /** The value slots in order (File: md5, sha1, sha256; `undefined` where not given). */
  get values(): ReadonlyArray<string | undefined> {
    return stateOf(this).values ?? [this.#summary];
  }

  /**
   * @internal fill an empty value slot after creation (File `md5`/`sha1`/`sha256` setters). The
   * summary grows; the xid stays what it was when the item was added (it is the item's identity).
   * @throws ValidationError when the slot already holds a different value or the value is invalid.
   */
  protected setValue(index: number, value: string | undefined): void {
    const slot = (this.info as IndicatorTypeInfo).values[index]!;
    const s = stateOf(this);
    const values = (s.values ??= [this.#summary]);
    const current = values[index];
    if (value === undefined || value === '' || value === current) return;
    if (current !== undefined && current !== '') {
      throw new ValidationError({ item: this.ref, field: slot.arg, rule: `${slot.arg} is part of the indicator's identity and is already ${JSON.stringify(current)}`, value });
    }
    const before = [...values];
    const summary = this.#summary;
    values[index] = value;
    this.#summary = values.filter((v): v is string => v !== undefined && v !== '').join(SUMMARY_SEPARATOR);
    try {
      this.#checkValues();
    } catch (e) {
      s.values = before;
      this.#summary = summary;
      throw e;
    }
    this.changed();
  }

  get kind(): 'indicator' {
    return 'indicator';
  }

  get ref(): ItemRef {
    return { kind: 'indicator', type: this.type, xid: this.xid, summary: this.summary };
  }

  protected identity(): Record<string, unknown> {
    return { type: this.type, summary: this.summary };
  }

  /**
   * Associate this indicator with a group (indicator -> group, written to `associatedGroups`).
   * @param group a group builder of this batch or a group xid (in this batch or the owner)
   */
  association(group: GroupBuilder | string): this {
    const xid: unknown = typeof group === 'string' ? group : (group as { xid?: unknown } | null | undefined)?.xid;
    if (typeof xid !== 'string' || xid === '') throw new ValidationError({ item: this.ref, field: 'associatedGroups', rule: 'an association needs a group or a group xid', value: group });
    const s = stateOf(this);
    const list = s.groupXids;
    if (list === undefined) s.groupXids = [xid];
    else if (!list.includes(xid)) list.push(xid);
    else return this;
    this.changed();
    return this;
  }

  /** @internal add a file occurrence (exposed as `occurrence()` on File builders). */
  protected addOccurrence(fileName?: string, path?: string, date?: DateInput): FileOccurrence {
    const occ = new FileOccurrence(fileName, path, date, this);
    (stateOf(this).occurrences ??= []).push(occ);
    this.changed();
    return occ;
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { summary: this.#summary, type: this.type, xid: this.xid };
    this.writeBody(out);
    const s = stateOf(this);
    if (s.groupXids !== undefined) out.associatedGroups = s.groupXids.map((groupXid) => ({ groupXid }));
    if (s.occurrences !== undefined) {
      const occ = s.occurrences.map((o) => o.toJSON()).filter((o) => Object.keys(o).length > 0);
      if (occ.length > 0) out.fileOccurrence = occ;
    }
    return out;
  }

  /** @internal see {@link Builder.jsonText}. */
  jsonText(): string {
    const body = this.writeBodyText();
    if (body === undefined) return JSON.stringify(this.toJSON());
    let t = `{"summary":${JSON.stringify(this.#summary)},"type":${JSON.stringify(this.type)},"xid":${JSON.stringify(this.xid)}${body}`;
    const s = stateOf(this);
    if (s.groupXids !== undefined) t += `,"associatedGroups":${list(s.groupXids, (xid) => `{"groupXid":${JSON.stringify(xid)}}`)}`;
    if (s.occurrences !== undefined) {
      const occ = s.occurrences.map((o) => o.toJSON()).filter((o) => Object.keys(o).length > 0);
      if (occ.length > 0) t += `,"fileOccurrence":${JSON.stringify(occ)}`;
    }
    return `${t}}`;
  }

  /**
   * @internal see {@link Builder.restoreState}. Occurrences with no part set are not in the JSON
   * and are not restored (they write nothing).
   */
  restoreState(json: Record<string, unknown>): void {
    this.restoreBody(json);
    const s = stateOf(this);
    const groups = json.associatedGroups as Array<{ groupXid: string }> | undefined;
    s.groupXids = groups === undefined ? undefined : groups.map((g) => g.groupXid);
    const occ = json.fileOccurrence as Array<{ fileName?: string; path?: string; date?: string }> | undefined;
    s.occurrences = occ === undefined ? undefined : occ.map((o) => new FileOccurrence(o.fileName, o.path, o.date, this));
  }
}
