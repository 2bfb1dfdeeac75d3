/**
 * Metadata objects that hang off groups and indicators: attributes, security labels and file
 * occurrences (tags are plain names). Each has setters for its optional parts, as the seed shows
 * (`attr.displayed = true`, `label.color = 'ffffff'`, `occurrence.fileName = 'drop1.exe'`), and a
 * pure `toJSON()` giving the wire shape of `schemas/common/defs.json`.
 */
import { ValidationError, type ItemRef } from '../errors.js';
import { toTcDate, type DateInput } from './dates.js';

const COLOR = /^[0-9A-Fa-f]{6}$/;

/** An attribute: `{ type, value, displayed?, source?, pinned? }` (tc-batch-api.md §5.1). */
export class Attribute {
  readonly type: string;
  readonly value: string;
  /** Show the attribute on the item's page; TC honours it for Description and Source. */
  displayed: boolean | undefined;
  /** Where the attribute's value came from. */
  source: string | undefined;
  /** Pin the attribute. */
  pinned: boolean | undefined;

  /** @throws ValidationError when type or value is empty or not a string. */
  constructor(type: string, value: string, displayed?: boolean, source?: string, item?: ItemRef) {
    if (typeof type !== 'string' || type === '') throw new ValidationError({ item, field: 'attribute.type', rule: 'an attribute needs a type', value: type });
    if (typeof value !== 'string' || value === '') {
      throw new ValidationError({ item, field: `attribute ${JSON.stringify(type)}`, rule: 'an attribute needs a non-empty string value', value });
    }
    this.type = type;
    this.value = value;
    this.displayed = displayed;
    this.source = source;
    this.pinned = undefined;
  }

  /** Wire JSON; optional keys only when set. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { type: this.type, value: this.value };
    if (this.displayed) out.displayed = true; // false is the server default; the reference omits it too
    if (this.source !== undefined) out.source = this.source;
    if (this.pinned !== undefined) out.pinned = this.pinned;
    return out;
  }
}

/** A security label: `{ name, description?, color? }`; color and description matter only when the label is new in the owner. */
export class SecurityLabel {
  readonly name: string;
  description: string | undefined;
  #color: string | undefined;
  readonly #item: ItemRef | undefined;

  /** @throws ValidationError when the name is empty or the color is not six hex digits. */
  constructor(name: string, description?: string, color?: string, item?: ItemRef) {
    if (typeof name !== 'string' || name === '') throw new ValidationError({ item, field: 'securityLabel.name', rule: 'a security label needs a name', value: name });
    this.name = name;
    this.description = description;
    this.#item = item;
    this.color = color;
  }

  /** Label color as six hex digits (`FFC000`), without `#`. */
  get color(): string | undefined {
    return this.#color;
  }
  set color(value: string | undefined) {
    if (value !== undefined && !COLOR.test(value)) {
      throw new ValidationError({ item: this.#item, field: 'securityLabel.color', rule: 'a security label color is six hex digits such as FFC000 (tc-batch-api.md §10)', value });
    }
    this.#color = value;
  }

  /** Wire JSON; optional keys only when set. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name };
    if (this.description !== undefined) out.description = this.description;
    if (this.#color !== undefined) out.color = this.#color;
    return out;
  }
}

/** Where a File was seen: `{ fileName?, path?, date? }`, at least one set (tc-batch-api.md §5.1). */
export class FileOccurrence {
  fileName: string | undefined;
  path: string | undefined;
  #date: string | undefined;

  /** @throws ValidationError when the date cannot be parsed. */
  constructor(fileName?: string, path?: string, date?: DateInput) {
    this.fileName = fileName;
    this.path = path;
    this.date = date;
  }

  /** Occurrence date, written as `YYYY-MM-DDTHH:mm:ssZ` in UTC. */
  get date(): string | undefined {
    return this.#date;
  }
  set date(value: DateInput | undefined) {
    this.#date = value === undefined ? undefined : toTcDate(value, { field: 'fileOccurrence.date' });
  }

  /** Wire JSON; optional keys only when set. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.fileName !== undefined) out.fileName = this.fileName;
    if (this.path !== undefined) out.path = this.path;
    if (this.#date !== undefined) out.date = this.#date;
    return out;
  }
}
