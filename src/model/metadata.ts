/**
 * Metadata objects that hang off groups and indicators: attributes, security labels and file
 * occurrences (tags are plain names). Each has setters for its optional parts, as the seed shows
 * (`attr.displayed = true`, `label.color = 'ffffff'`, `occurrence.fileName = 'drop1.exe'`), and a
 * pure `toJSON()` giving the wire shape of `schemas/common/defs.json`.
 */
import { ValidationError, type ItemRef } from '../errors.js';
import { toTcDate, type DateInput } from './dates.js';
import { limits } from '../../generated/catalog.js';

/** A security label colour, as the schemas' pattern states it (from the generated catalog). */
const COLOR = new RegExp(limits.labelColor.pattern);

/**
 * @internal The item a metadata object belongs to: it names the item in error messages and is told
 * when one of the object's setters changes it (so a disk-backed store can write the item back).
 * Builders implement it; passing the builder itself avoids building an {@link ItemRef} per call.
 */
export interface MetadataOwner {
  /** Kind, type, xid and summary/name of the item, for error messages. */
  readonly ref: ItemRef;
  /** Called after a setter changed the metadata object. */
  metadataChanged(): void;
}

const isOwner = (x: ItemRef | MetadataOwner | undefined): x is MetadataOwner => x !== undefined && typeof (x as MetadataOwner).metadataChanged === 'function';
const refOf = (x: ItemRef | MetadataOwner | undefined): ItemRef | undefined => (isOwner(x) ? x.ref : x);

/** An attribute: `{ type, value, displayed?, source?, pinned? }` (ThreatConnect V2 Batch API: indicator fields). */
export class Attribute {
  readonly type: string;
  readonly value: string;
  #displayed: boolean | undefined;
  #source: string | undefined;
  #pinned: boolean | undefined;
  readonly #owner: MetadataOwner | undefined;

  /**
   * @param item the item it belongs to (named in errors; a builder is also told of later changes)
   * @throws ValidationError when type or value is empty or not a string.
   */
  constructor(type: string, value: string, displayed?: boolean, source?: string, item?: ItemRef | MetadataOwner) {
    if (typeof type !== 'string' || type === '') throw new ValidationError({ item: refOf(item), field: 'attribute.type', rule: 'an attribute needs a type', value: type });
    if (typeof value !== 'string' || value === '') {
      throw new ValidationError({ item: refOf(item), field: `attribute ${JSON.stringify(type)}`, rule: 'an attribute needs a non-empty string value', value });
    }
    this.type = type;
    this.value = value;
    this.#displayed = displayed;
    this.#source = source;
    this.#pinned = undefined;
    this.#owner = isOwner(item) ? item : undefined;
  }

  /** Show the attribute on the item's page; TC honours it for Description and Source. */
  get displayed(): boolean | undefined {
    return this.#displayed;
  }
  set displayed(value: boolean | undefined) {
    this.#displayed = value;
    this.#owner?.metadataChanged();
  }

  /** Where the attribute's value came from. */
  get source(): string | undefined {
    return this.#source;
  }
  set source(value: string | undefined) {
    this.#source = value;
    this.#owner?.metadataChanged();
  }

  /** Pin the attribute. */
  get pinned(): boolean | undefined {
    return this.#pinned;
  }
  set pinned(value: boolean | undefined) {
    this.#pinned = value;
    this.#owner?.metadataChanged();
  }

  /** Wire JSON; optional keys only when set. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { type: this.type, value: this.value };
    if (this.#displayed) out.displayed = true; // false is the server default; the reference omits it too
    if (this.#source !== undefined) out.source = this.#source;
    if (this.#pinned !== undefined) out.pinned = this.#pinned;
    return out;
  }
}

/** A security label: `{ name, description?, color? }`; color and description matter only when the label is new in the owner. */
export class SecurityLabel {
  readonly name: string;
  #description: string | undefined;
  #color: string | undefined;
  readonly #item: ItemRef | MetadataOwner | undefined;

  /**
   * @param item the item it belongs to (named in errors; a builder is also told of later changes)
   * @throws ValidationError when the name is empty or the color is not six hex digits.
   */
  constructor(name: string, description?: string, color?: string, item?: ItemRef | MetadataOwner) {
    if (typeof name !== 'string' || name === '') throw new ValidationError({ item: refOf(item), field: 'securityLabel.name', rule: 'a security label needs a name', value: name });
    if (color !== undefined && !COLOR.test(color)) SecurityLabel.#badColor(item, color);
    this.name = name;
    this.#description = description;
    this.#item = item;
    this.#color = color;
  }

  static #badColor(item: ItemRef | MetadataOwner | undefined, value: unknown): never {
    throw new ValidationError({ item: refOf(item), field: 'securityLabel.color', rule: limits.labelColor.rule, value });
  }

  /** Label description (used when the label is new in the owner). */
  get description(): string | undefined {
    return this.#description;
  }
  set description(value: string | undefined) {
    this.#description = value;
    if (isOwner(this.#item)) this.#item.metadataChanged();
  }

  /** Label color as six hex digits (`FFC000`), without `#`. */
  get color(): string | undefined {
    return this.#color;
  }
  set color(value: string | undefined) {
    if (value !== undefined && !COLOR.test(value)) SecurityLabel.#badColor(this.#item, value);
    this.#color = value;
    if (isOwner(this.#item)) this.#item.metadataChanged();
  }

  /** Wire JSON; optional keys only when set. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name };
    if (this.#description !== undefined) out.description = this.#description;
    if (this.#color !== undefined) out.color = this.#color;
    return out;
  }
}

/** Where a File was seen: `{ fileName?, path?, date? }`, at least one set (ThreatConnect V2 Batch API: indicator fields). */
export class FileOccurrence {
  #fileName: string | undefined;
  #path: string | undefined;
  #date: string | undefined;
  readonly #owner: MetadataOwner | undefined;

  /**
   * @param owner the File builder it belongs to (told of later changes)
   * @throws ValidationError when the date cannot be parsed.
   */
  constructor(fileName?: string, path?: string, date?: DateInput, owner?: MetadataOwner) {
    this.#fileName = fileName;
    this.#path = path;
    this.#date = date === undefined ? undefined : toTcDate(date, { field: 'fileOccurrence.date' });
    this.#owner = owner;
  }

  /** Name of the file where it was seen. */
  get fileName(): string | undefined {
    return this.#fileName;
  }
  set fileName(value: string | undefined) {
    this.#fileName = value;
    this.#owner?.metadataChanged();
  }

  /** Path of the file where it was seen. */
  get path(): string | undefined {
    return this.#path;
  }
  set path(value: string | undefined) {
    this.#path = value;
    this.#owner?.metadataChanged();
  }

  /** Occurrence date, written as `YYYY-MM-DDTHH:mm:ssZ` in UTC. */
  get date(): string | undefined {
    return this.#date;
  }
  set date(value: DateInput | undefined) {
    this.#date = value === undefined ? undefined : toTcDate(value, { field: 'fileOccurrence.date' });
    this.#owner?.metadataChanged();
  }

  /** Wire JSON; optional keys only when set. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.#fileName !== undefined) out.fileName = this.#fileName;
    if (this.#path !== undefined) out.path = this.#path;
    if (this.#date !== undefined) out.date = this.#date;
    return out;
  }
}
