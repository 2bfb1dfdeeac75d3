/**
 * Hand-written bases of the generated builder classes (`generated/builders`). A builder holds one
 * group or indicator: identity (type, xid, name or summary), scalar fields by wire name, and
 * metadata (attributes, tags, security labels, associations, file occurrences). `toJSON()` is
 * pure and gives the exact Batch V2 wire object (tc-batch-api.md §5.1, §5.2).
 *
 * Everything type-specific (which fields exist, their friendly names and kinds, value slots)
 * comes from the generated catalogue entry the subclass passes in; nothing here lists types.
 */
import { ValidationError, type ItemRef } from '../errors.js';
import { groupValidators, indicatorValidators } from '../../generated/validators/index.js';
import type { FieldInfo, GroupTypeInfo, IndicatorTypeInfo, TypeInfo } from './catalog-types.js';
import { SUMMARY_SEPARATOR } from './catalog-types.js';
import { Attribute, FileOccurrence, SecurityLabel } from './metadata.js';
import { parseField } from './values.js';
import { defaultXid, randomXid } from './xid.js';
import type { DateInput } from './dates.js';
import type { ValidationResult } from './validation.js';

/**
 * An xid choice (DESIGN.md §3): omitted or `true` for the deterministic
 * `sha256("{type}-{name|summary}")`, `false` for a random uuid4, or the xid itself.
 */
export type XidInput = string | boolean | undefined;

/** Document/Report content: the bytes, a string (UTF-8), or a callback given the xid (awaited one at a time at upload). */
export type FileContent = string | Uint8Array | ((xid: string) => string | Uint8Array | Promise<string | Uint8Array>);

type AnyValidator = (data: unknown) => ValidationResult<unknown>;
const validators: Record<string, AnyValidator | undefined> = { ...groupValidators, ...indicatorValidators };

/** Validate `data` with the generated validator of `type` and throw the first issue as a ValidationError. */
function check(type: string, data: Record<string, unknown>, ref: ItemRef | (() => ItemRef), only?: (pointer: string) => boolean): void {
  const validate = validators[type];
  if (!validate) return;
  const result = validate(data);
  if (result.valid) return;
  const issue = result.issues.find((i) => (only ? only(i.pointer) : true));
  if (!issue) return;
  const item = typeof ref === 'function' ? ref() : ref;
  throw new ValidationError({ item, field: issue.pointer.slice(1) || undefined, rule: issue.rule, value: issue.value, pointer: issue.pointer });
}

function resolveXid(xid: XidInput, type: string, value: string, item: ItemRef): string {
  if (xid === undefined || xid === true) return defaultXid(type, value);
  if (xid === false) return randomXid();
  if (typeof xid !== 'string' || xid === '') throw new ValidationError({ item, field: 'xid', rule: 'an xid is a non-empty string, true (derived) or false (random)', value: xid });
  return xid;
}

/** Common part of group and indicator builders. */
export abstract class Builder {
  /** Wire `type` (`Address`, `Attack Pattern`). */
  readonly type: string;
  /** External id of the item in this batch. */
  readonly xid: string;
  /** @internal catalogue entry of the type */
  protected readonly info: TypeInfo;
  // Containers are created on first use: a batch may hold 10^7 builders.
  #fields: Map<string, unknown> | undefined;
  #attributes: Attribute[] | undefined;
  #tags: Set<string> | undefined;
  #labels: SecurityLabel[] | undefined;

  protected constructor(info: TypeInfo, xid: string) {
    this.info = info;
    this.type = info.type;
    this.xid = xid;
  }

  /** `group` or `indicator`. */
  abstract get kind(): 'group' | 'indicator';

  /** Kind, type, xid and summary/name of this item, for error messages. */
  abstract get ref(): ItemRef;

  #field(key: string): FieldInfo {
    const fields = this.info.fields;
    const f = fields[key] ?? Object.values(fields).find((x) => x.wire === key);
    if (!f) {
      throw new ValidationError({
        item: this.ref,
        field: key,
        rule: `is not a field of ${this.type}; known fields: ${Object.keys(fields).join(', ')}`,
        code: 'TCB_UNKNOWN_FIELD',
      });
    }
    return f;
  }

  /** Current wire value of a field, by API or wire name. */
  protected get(key: string): unknown {
    return this.#fields?.get(this.#field(key).wire);
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
      return;
    }
    if (value === undefined || value === null) {
      this.#fields?.delete(f.wire);
      return;
    }
    const parsed = parseField(f, value, this.ref);
    // rating, confidence, booleans and dates are fully checked by their parsers; other kinds can
    // carry schema rules (lengths, patterns), checked against the type schema.
    if (f.kind === 'string' || f.kind === 'integer' || f.kind === 'number') {
      const pointer = `/${f.wire.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      check(this.type, { ...this.identity(), [f.wire]: parsed }, () => this.ref, (p) => p === pointer);
    }
    (this.#fields ??= new Map()).set(f.wire, parsed);
  }

  /** @internal client-side fields (Document/Report content). */
  protected setClientOnly(f: FieldInfo, _value: unknown): void {
    throw new ValidationError({ item: this.ref, field: f.name, rule: `is not available on ${this.type}` });
  }

  /** @internal the minimal valid object used to check a single field against the type schema. */
  protected abstract identity(): Record<string, unknown>;

  /**
   * Set a type-specific field by name (Interface 2 of the seed): the wire name (`eventDate`,
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
    const list = (this.#attributes ??= []);
    for (const a of list) if (a.type === type && a.value === value) return a;
    const attr = new Attribute(type, value, displayed, source, this.ref);
    list.push(attr);
    return attr;
  }

  /**
   * Add a tag (at most 128 characters, tc-batch-api.md §7.4); adding it again does nothing.
   * @throws ValidationError when the name is empty or too long.
   */
  tag(name: string): this {
    if (typeof name !== 'string' || name.length === 0 || name.length > 128) {
      throw new ValidationError({ item: this.ref, field: 'tag', rule: 'a tag name is 1 to 128 characters (tc-batch-api.md §7.4)', value: name });
    }
    (this.#tags ??= new Set()).add(name);
    return this;
  }

  /**
   * Add a security label, or return the existing one with that name (its description and color
   * are kept; set them on the returned label).
   * @throws ValidationError when the name is empty or the color is not six hex digits.
   */
  securityLabel(name: string, description?: string, color?: string): SecurityLabel {
    const list = (this.#labels ??= []);
    for (const l of list) if (l.name === name) return l;
    const label = new SecurityLabel(name, description, color, this.ref);
    list.push(label);
    return label;
  }

  /** The attributes added so far. */
  get attributes(): readonly Attribute[] {
    return this.#attributes ?? [];
  }
  /** The tag names added so far. */
  get tags(): readonly string[] {
    return this.#tags ? [...this.#tags] : [];
  }
  /** The security labels added so far. */
  get securityLabels(): readonly SecurityLabel[] {
    return this.#labels ?? [];
  }

  /** @internal write scalar fields, then the metadata arrays, into `out`. */
  protected writeBody(out: Record<string, unknown>): void {
    if (this.#fields) for (const [k, v] of this.#fields) out[k] = v;
    if (this.#attributes) out.attribute = this.#attributes.map((a) => a.toJSON());
    if (this.#labels) out.securityLabel = this.#labels.map((l) => l.toJSON());
    if (this.#tags) out.tag = Array.from(this.#tags, (name) => ({ name }));
  }

  /** The exact Batch V2 wire object. Pure: each call builds a new object with the same content. */
  abstract toJSON(): Record<string, unknown>;

  /**
   * Check the whole item against its type schema (rules that span fields, such as a malware
   * Document's password).
   * @param json the item's `toJSON()`, when the caller already has it
   * @throws ValidationError for the first broken rule.
   */
  validate(json: Record<string, unknown> = this.toJSON()): void {
    check(this.type, json, () => this.ref);
  }
}

/** Base of every generated group builder. */
export abstract class GroupBuilder extends Builder {
  /** Group name (at most 100 characters). */
  readonly name: string;
  readonly #associatedGroupXid: string[] = [];
  readonly #associatedIndicators: Array<{ summary: string; indicatorType: string }> = [];
  #fileContent: FileContent | undefined;

  /**
   * @param info the type's catalogue entry
   * @param name group name
   * @param xid see {@link XidInput}
   * @throws ValidationError when the name or xid breaks a rule.
   */
  protected constructor(info: GroupTypeInfo, name: string, xid?: XidInput) {
    const ref: ItemRef = { kind: 'group', type: info.type, summary: name };
    if (typeof name !== 'string') throw new ValidationError({ item: ref, field: 'name', rule: 'a group name is a string', value: name });
    super(info, resolveXid(xid, info.type, name, ref));
    this.name = name;
    check(info.type, this.identity(), () => this.ref, (p) => p === '/name' || p === '/xid');
    for (const [k, v] of Object.entries(info.defaults)) this.set(k, v);
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
    this.#fileContent = value as FileContent | undefined;
  }

  /** Document/Report content uploaded after the job completes; never part of the batch JSON. */
  protected get content(): FileContent | undefined {
    return this.#fileContent;
  }

  /** @internal the pending upload of this group, if it has content. */
  fileUpload(): { xid: string; type: string; fileName: string | undefined; content: FileContent } | undefined {
    if (this.#fileContent === undefined) return undefined;
    return { xid: this.xid, type: this.type, fileName: this.#fieldValue('fileName'), content: this.#fileContent };
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
    const xid = typeof group === 'string' ? group : group.xid;
    if (typeof xid !== 'string' || xid === '') throw new ValidationError({ item: this.ref, field: 'associatedGroupXid', rule: 'an association needs a group or a group xid', value: group });
    if (!this.#associatedGroupXid.includes(xid)) this.#associatedGroupXid.push(xid);
    return this;
  }

  /** Associate this group with an indicator by summary and type (`associatedIndicators`). */
  indicatorAssociation(indicator: IndicatorBuilder | { summary: string; type: string }): this {
    const entry = { summary: indicator.summary, indicatorType: indicator.type };
    if (!this.#associatedIndicators.some((e) => e.summary === entry.summary && e.indicatorType === entry.indicatorType)) this.#associatedIndicators.push(entry);
    return this;
  }

  /** Xids of the groups this group is associated with. */
  get associatedGroupXids(): readonly string[] {
    return this.#associatedGroupXid;
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, type: this.type, xid: this.xid };
    this.writeBody(out);
    if (this.#associatedGroupXid.length > 0) out.associatedGroupXid = [...this.#associatedGroupXid];
    if (this.#associatedIndicators.length > 0) out.associatedIndicators = this.#associatedIndicators.map((e) => ({ ...e }));
    return out;
  }
}

/** Base of every generated indicator builder. */
export abstract class IndicatorBuilder extends Builder {
  #summary: string;
  #values: Array<string | undefined>;
  readonly #associatedGroups: string[] = [];
  readonly #occurrences: FileOccurrence[] = [];

  /**
   * @param info the type's catalogue entry
   * @param values the value slots in order; empty or undefined slots are left out of the summary
   * @param xid see {@link XidInput}
   * @throws ValidationError when no value is given or a value breaks the type's rules
   *   (tc-batch-api.md §9).
   */
  protected constructor(info: IndicatorTypeInfo, values: ReadonlyArray<string | undefined>, xid?: XidInput) {
    const present = values.filter((v): v is string => v !== undefined && v !== null && v !== '');
    const summary = present.join(SUMMARY_SEPARATOR);
    const ref: ItemRef = { kind: 'indicator', type: info.type, summary };
    for (const v of values) {
      if (v !== undefined && v !== null && typeof v !== 'string') throw new ValidationError({ item: ref, field: 'summary', rule: 'indicator values are strings', value: v });
    }
    if (present.length === 0) {
      throw new ValidationError({ item: ref, field: info.values.map((v) => v.arg).join('/'), rule: `${/^[AEIO]/.test(info.type) ? 'an' : 'a'} ${info.type} needs a value`, value: summary });
    }
    super(info, resolveXid(xid, info.type, summary, ref));
    this.#summary = summary;
    this.#values = [...values];
    this.#checkValues();
  }

  #checkValues(): void {
    const info = this.info as IndicatorTypeInfo;
    const probe: Record<string, unknown> = { type: info.type, summary: this.#summary };
    info.values.forEach((slot, i) => {
      const v = this.#values[i];
      if (v !== undefined && v !== '') probe[slot.field] = v;
    });
    check(info.type, probe, () => this.ref);
  }

  /** The indicator value; multi-value types join their values with `' : '` (tc-batch-api.md §5.1). */
  get summary(): string {
    return this.#summary;
  }

  /** The value slots in order (File: md5, sha1, sha256; `undefined` where not given). */
  get values(): ReadonlyArray<string | undefined> {
    return this.#values;
  }

  /**
   * @internal fill an empty value slot after creation (File `md5`/`sha1`/`sha256` setters). The
   * summary grows; the xid stays what it was when the item was added (it is the item's identity).
   * @throws ValidationError when the slot already holds a different value or the value is invalid.
   */
  protected setValue(index: number, value: string | undefined): void {
    const slot = (this.info as IndicatorTypeInfo).values[index]!;
    const current = this.#values[index];
    if (value === undefined || value === '' || value === current) return;
    if (current !== undefined && current !== '') {
      throw new ValidationError({ item: this.ref, field: slot.arg, rule: `${slot.arg} is part of the indicator's identity and is already ${JSON.stringify(current)}`, value });
    }
    const before = [...this.#values];
    const summary = this.#summary;
    this.#values[index] = value;
    this.#summary = this.#values.filter((v): v is string => v !== undefined && v !== '').join(SUMMARY_SEPARATOR);
    try {
      this.#checkValues();
    } catch (e) {
      this.#values = before;
      this.#summary = summary;
      throw e;
    }
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
    const xid = typeof group === 'string' ? group : group.xid;
    if (typeof xid !== 'string' || xid === '') throw new ValidationError({ item: this.ref, field: 'associatedGroups', rule: 'an association needs a group or a group xid', value: group });
    if (!this.#associatedGroups.includes(xid)) this.#associatedGroups.push(xid);
    return this;
  }

  /** @internal add a file occurrence (exposed as `occurrence()` on File builders). */
  protected addOccurrence(fileName?: string, path?: string, date?: DateInput): FileOccurrence {
    const occ = new FileOccurrence(fileName, path, date);
    this.#occurrences.push(occ);
    return occ;
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { summary: this.summary, type: this.type, xid: this.xid };
    this.writeBody(out);
    if (this.#associatedGroups.length > 0) out.associatedGroups = this.#associatedGroups.map((groupXid) => ({ groupXid }));
    if (this.#occurrences.length > 0) {
      const occ = this.#occurrences.map((o) => o.toJSON()).filter((o) => Object.keys(o).length > 0);
      if (occ.length > 0) out.fileOccurrence = occ;
    }
    return out;
  }
}
