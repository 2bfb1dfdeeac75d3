/**
 * Metadata objects that hang off groups and indicators: attributes, security labels and file
 * occurrences (tags are plain names). Each has setters for its optional parts, as TcEx's Module: Batch page shows
 * (`attr.displayed = true`, `label.color = 'ffffff'`, `occurrence.fileName = 'drop1.exe'`), and a
 * pure `toJSON()` giving the wire shape of `schemas/common/defs.json`.
 */
import type { ItemRef } from '../errors.js';
import type { MetadataKind } from './catalog-types.js';
import { toTcDate, type DateInput } from './dates.js';

/**
 * @internal The item a metadata object belongs to: it checks the object against its schema
 * definition (naming the item in errors) and is told when one of the object's setters changes it
 * (so a disk-backed store can write the item back). Builders implement it.
 */
export interface MetadataOwner {
  /** Kind, type, xid and summary/name of the item, for error messages. */
  readonly ref: ItemRef;
  /**
   * Check `json` against the schema definition of `kind` (`common/defs.json`).
   * @throws ValidationError naming the item, the field and the rule.
   */
  checkMetadata(kind: MetadataKind, json: Record<string, unknown>): void;
  /** Called after a setter changed the metadata object. */
  metadataChanged(): void;
}

/** An attribute: `{ type, value, displayed?, source?, pinned? }` (ThreatConnect V2 Batch API: indicator fields). */
export class Attribute {
  readonly type: string;
  readonly value: string;
  #displayed: boolean | undefined;
  #source: string | undefined;
  #pinned: boolean | undefined;
  readonly #owner: MetadataOwner;

  /**
   * @internal made by `builder.attribute()`.
   * @param owner the item it belongs to (checks it, names it in errors, is told of later changes)
   * @throws ValidationError when the attribute breaks its schema definition (an empty type or value).
   */
  constructor(type: string, value: string, displayed: boolean | undefined, source: string | undefined, owner: MetadataOwner) {
    const json: Record<string, unknown> = { type, value };
    if (displayed !== undefined) json.displayed = displayed;
    if (source !== undefined) json.source = source;
    owner.checkMetadata('attribute', json);
    this.type = type;
    this.value = value;
    this.#displayed = displayed;
    this.#source = source;
    this.#pinned = undefined;
    this.#owner = owner;
  }

  /** Show the attribute on the item's page; TC honours it for Description and Source. */
  get displayed(): boolean | undefined {
    return this.#displayed;
  }
  set displayed(value: boolean | undefined) {
    this.#owner.checkMetadata('attribute', { ...this.toJSON(), ...optional({ displayed: value }) });
    this.#displayed = value;
    this.#owner.metadataChanged();
  }

  /** Where the attribute's value came from. */
  get source(): string | undefined {
    return this.#source;
  }
  set source(value: string | undefined) {
    this.#owner.checkMetadata('attribute', { ...this.toJSON(), ...optional({ source: value }) });
    this.#source = value;
    this.#owner.metadataChanged();
  }

  /** Pin the attribute. */
  get pinned(): boolean | undefined {
    return this.#pinned;
  }
  set pinned(value: boolean | undefined) {
    this.#owner.checkMetadata('attribute', { ...this.toJSON(), ...optional({ pinned: value }) });
    this.#pinned = value;
    this.#owner.metadataChanged();
  }

  /** Wire JSON; optional keys only when set. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { type: this.type, value: this.value };
    if (this.#displayed) out.displayed = true; // false is the server default; the reference omits it too
    if (this.#source !== undefined) out.source = this.#source;
    if (this.#pinned !== undefined) out.pinned = this.#pinned;
    return out;
  }

  /** @internal `JSON.stringify(this.toJSON())`, written directly (stores serialise millions). */
  toJSONText(): string {
    let t = `{"type":${JSON.stringify(this.type)},"value":${JSON.stringify(this.value)}`;
    if (this.#displayed) t += ',"displayed":true';
    if (this.#source !== undefined) t += `,"source":${JSON.stringify(this.#source)}`;
    if (this.#pinned !== undefined) t += `,"pinned":${JSON.stringify(this.#pinned)}`;
    return `${t}}`;
  }
}

/** A copy of `o` without its undefined values. */
function optional(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** A security label: `{ name, description?, color? }`; color and description matter only when the label is new in the owner. */
export class SecurityLabel {
  readonly name: string;
  #description: string | undefined;
  #color: string | undefined;
  readonly #owner: MetadataOwner;

  /**
   * @internal made by `builder.securityLabel()`.
   * @param owner the item it belongs to (checks it, names it in errors, is told of later changes)
   * @throws ValidationError when the label breaks its schema definition (an empty name; a color
   *   that is not six hex digits, ThreatConnect REST API: group types).
   */
  constructor(name: string, description: string | undefined, color: string | undefined, owner: MetadataOwner) {
    owner.checkMetadata('securityLabel', optional({ name, description, color }));
    this.name = name;
    this.#description = description;
    this.#owner = owner;
    this.#color = color;
  }

  /** Label description (used when the label is new in the owner). */
  get description(): string | undefined {
    return this.#description;
  }
  set description(value: string | undefined) {
    this.#owner.checkMetadata('securityLabel', optional({ ...this.toJSON(), description: value }));
    this.#description = value;
    this.#owner.metadataChanged();
  }

  /** Label color as six hex digits (`FFC000`), without `#`. */
  get color(): string | undefined {
    return this.#color;
  }
  set color(value: string | undefined) {
    this.#owner.checkMetadata('securityLabel', optional({ ...this.toJSON(), color: value }));
    this.#color = value;
    this.#owner.metadataChanged();
  }

  /** Wire JSON; optional keys only when set. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name };
    if (this.#description !== undefined) out.description = this.#description;
    if (this.#color !== undefined) out.color = this.#color;
    return out;
  }

  /** @internal `JSON.stringify(this.toJSON())`, written directly. */
  toJSONText(): string {
    let t = `{"name":${JSON.stringify(this.name)}`;
    if (this.#description !== undefined) t += `,"description":${JSON.stringify(this.#description)}`;
    if (this.#color !== undefined) t += `,"color":${JSON.stringify(this.#color)}`;
    return `${t}}`;
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
