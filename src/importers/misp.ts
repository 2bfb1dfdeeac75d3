/**
 * MISP event importer (`tcbatch convert --from misp`): a MISP event JSON (`{ "Event": {...} }`,
 * the REST search shape `{ "response": [{ "Event": {...} }] }`, a bare event object, or an array
 * of those) → one Event group per event plus its indicators, signatures and vulnerabilities.
 *
 * Mapping (MISP attribute type → ThreatConnect):
 *
 * | MISP type | ThreatConnect |
 * | --- | --- |
 * | `ip-src`, `ip-dst`, `ip-src\|port`, `ip-dst\|port` | Address (a `/n` value: CIDR; the port is not kept) |
 * | `domain`, `hostname`, `hostname\|port` | Host |
 * | `domain\|ip` | Host and Address |
 * | `url`, `uri` with a scheme | URL |
 * | `md5`, `sha1`, `sha256` | File |
 * | `filename\|md5`, `filename\|sha1`, `filename\|sha256` | File with a file occurrence (name and path) |
 * | `email`, `email-src`, `email-dst` | EmailAddress |
 * | `email-subject` | Email Subject |
 * | `regkey` | Registry Key (value name `' '`, none) |
 * | `regkey\|value` | Registry Key: the part after `\|` is the value name (how ESET and most feeds use it) |
 * | `mutex` | Mutex |
 * | `user-agent` | User Agent |
 * | `AS` | ASN |
 * | `vulnerability` | Vulnerability group |
 * | `yara`, `snort` | Signature group (name from the rule, else the comment, else the attribute uuid) |
 *
 * A MISP object named `file` is one File indicator with all its hashes, its `filename` as an
 * occurrence and `size-in-bytes` as size; attributes of other objects are imported one by one.
 * Registry value types are unknown in MISP: `REG_NONE` unless {@link MispImportOptions.registryValueType}.
 * Event and attribute tags become tags; `tlp:x` tags become the security label `TLP:X` (event
 * labels are also put on every indicator of the event). Comments become Description attributes.
 * Each indicator and group is associated with its Event. Indicators use their default xid, so a
 * value seen twice is one indicator (`duplicates`); the Event's xid is its MISP uuid.
 * Attributes of other types (`text`, `other`, `filename`, `btc`, `link`...) are rejects that
 * name the type; deleted attributes are skipped. `counts.read` is the number of attributes read.
 */
import { TcBatchError, safeJson } from '../errors.js';
import type { Batch } from '../batch/batch.js';
import type { GroupBuilder, IndicatorBuilder } from '../model/builder.js';
import { addReject, addSkip, errorReason, safeText } from './report.js';
import {
  addMetadata,
  createIndicatorReport,
  normalizeAsn,
  normalizeCidr,
  normalizeEmail,
  normalizeHash,
  normalizeHost,
  normalizeIp,
  normalizeRegistryKey,
  normalizeUrl,
  refang,
  type IndicatorImportReport,
} from './normalize.js';
import { groupName, isCut, parseSnort, parseYara } from './rules.js';

/** The long-name policy: a cut name's full text in a Description attribute. */
function withFullName<G extends GroupBuilder>(g: G, name: string): G {
  if (isCut(name)) g.attribute('Description', name);
  return g;
}
import { JsonSyntaxError, parseJsonText } from './json-text.js';

/** A MISP input that is not JSON, or not a MISP event. `code` is `TCB_MISP_JSON` or `TCB_MISP_FORMAT`. */
export class MispInputError extends TcBatchError {
  /** 1-based line of a JSON syntax error. */
  readonly line: number | undefined;
  /** 1-based column of a JSON syntax error. */
  readonly column: number | undefined;
  constructor(code: 'TCB_MISP_JSON' | 'TCB_MISP_FORMAT', message: string, where?: { line: number; column: number }, cause?: unknown) {
    super(code, where ? `${message} (line ${where.line}, column ${where.column})` : message, { cause });
    this.line = where?.line;
    this.column = where?.column;
  }
}

/** Options of {@link importMisp}. */
export interface MispImportOptions {
  /** Name of the input in report entries (default `misp`). */
  source?: string;
  /** Registry value type of `regkey`/`regkey|value` indicators (default `REG_NONE`: MISP does not say). */
  registryValueType?: string;
  /** Put the event's TLP security labels on its indicators and groups too (default true). */
  propagateTlp?: boolean;
}

interface MispTag {
  name?: unknown;
}

/** Where an attribute sits in the document (`Attribute/3`), for report entries when it has no uuid or id. */
const POSITION = Symbol('position');

interface MispAttribute {
  [POSITION]?: string;
  uuid?: string;
  id?: string;
  type?: string;
  value?: unknown;
  comment?: string;
  deleted?: boolean;
  object_relation?: string | null;
  Tag?: MispTag[];
}

interface MispObject {
  [POSITION]?: string;
  uuid?: string;
  name?: string;
  Attribute?: MispAttribute[];
}

interface MispEvent {
  uuid?: string;
  id?: string;
  info?: string;
  date?: string;
  Tag?: MispTag[];
  Attribute?: MispAttribute[];
  Object?: MispObject[];
}

/**
 * Parse JSON text, turning a syntax error into a {@link MispInputError} with line and column.
 * @throws MispInputError (`TCB_MISP_JSON`)
 */
export function parseJsonWithPosition(text: string): unknown {
  try {
    return parseJsonText(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    throw new MispInputError('TCB_MISP_JSON', `invalid MISP JSON: ${err.problem}`, { line: err.line, column: err.column }, err);
  }
}

function events(doc: unknown): MispEvent[] {
  const out: MispEvent[] = [];
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(visit);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (o.Event && typeof o.Event === 'object') out.push(o.Event as MispEvent);
      else if (Array.isArray(o.response)) visit(o.response);
      else if ('info' in o && ('Attribute' in o || 'Object' in o || 'uuid' in o)) out.push(o as MispEvent);
    }
  };
  visit(doc);
  return out;
}

const tagNames = (tags: MispTag[] | undefined): string[] => (Array.isArray(tags) ? tags : []).map((t) => (t && typeof t === 'object' ? t.name : undefined)).filter((n): n is string => typeof n === 'string' && n.trim() !== '');

/** A MISP string field as text: strings as they are, numbers as digits, anything else dropped. */
const textField = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);

/**
 * Hostile but valid JSON (`"comment": 5`, `"Tag": {}`, `"Attribute": [null]`) as the shapes the
 * importer reads: string fields as text or absent, lists as arrays of objects. Entries that are
 * not objects are rejected by the caller.
 */
function cleanRecord<T extends object>(v: unknown, strings: readonly string[], lists: readonly string[]): T | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o: Record<string, unknown> = { ...(v as Record<string, unknown>) };
  for (const k of strings) if (k in o) o[k] = textField(o[k]);
  for (const k of lists) if (k in o) o[k] = Array.isArray(o[k]) ? o[k] : [];
  return o as T;
}

const ATTRIBUTE_STRINGS = ['uuid', 'id', 'type', 'comment', 'object_relation', 'category'] as const;

/** The attributes of a list, cleaned; non-objects rejected naming their position. */
function attributes(list: unknown, ctx: { report: IndicatorImportReport; src: string }, where: string): MispAttribute[] {
  const out: MispAttribute[] = [];
  (Array.isArray(list) ? list : []).forEach((a, i) => {
    const c = cleanRecord<MispAttribute>(a, ATTRIBUTE_STRINGS, ['Tag']);
    if (c) {
      c[POSITION] = `${where}/${i}`;
      out.push(c);
    }
    else {
      ctx.report.counts.read++;
      addReject(ctx.report, `${ctx.src}#${where}/${i}`, safeText(a), 'a MISP attribute is a JSON object');
    }
  });
  return out;
}



/** The attribute's uuid, else its id, else where it is (`Attribute/3`). */
const attributeId = (a: MispAttribute): string => a.uuid ?? a.id ?? a[POSITION] ?? '?';

/** `tlp:amber+strict` → `TLP:AMBER+STRICT`; `undefined` for other tags. */
export function tlpLabel(tag: string): string | undefined {
  const m = /^tlp\s*:\s*([a-z+-]+)$/i.exec(tag.trim());
  return m ? `TLP:${m[1]!.toUpperCase()}` : undefined;
}

/**
 * Import MISP event JSON into `batch`.
 * @param json the JSON text or the parsed document
 * @throws MispInputError with `code` `TCB_MISP_JSON` (and `line`/`column`) for invalid JSON, or
 *   `TCB_MISP_FORMAT` when the document holds no MISP event.
 */
export function importMisp(json: string | object, batch: Batch, options: MispImportOptions = {}): IndicatorImportReport {
  const doc = typeof json === 'string' ? parseJsonWithPosition(json) : json;
  const list = events(doc);
  if (list.length === 0) throw new MispInputError('TCB_MISP_FORMAT', 'not a MISP event: expected {"Event": {...}}, {"response": [{"Event": ...}]} or an event object');
  const report = createIndicatorReport(options.source ?? 'misp');
  for (const ev of list) importEvent(ev, batch, report, options);
  return report;
}

function importEvent(raw: MispEvent, batch: Batch, report: IndicatorImportReport, options: MispImportOptions): void {
  const src = options.source ?? 'misp';
  const ev = cleanRecord<MispEvent>(raw, ['uuid', 'id', 'info', 'date'], ['Tag']) ?? {};
  const evId = ev.uuid ?? ev.id ?? 'event';
  const info = typeof ev.info === 'string' && ev.info.trim() ? ev.info : `MISP event ${evId}`;
  let event: GroupBuilder;
  const groupsBefore = batch.counts.groups;
  try {
    const e = batch.event({ name: groupName(info), ...(ev.uuid ? { xid: ev.uuid } : {}) });
    if (ev.date) e.eventDate = ev.date;
    event = e;
  } catch (err) {
    addReject(report, `${src}#${evId}`, info, errorReason(err));
    return;
  }
  countGroup(batch, report, groupsBefore, 'Event');
  if (isCut(info)) event.attribute('Description', info);
  const labels: string[] = [];
  for (const t of tagNames(ev.Tag)) {
    const label = tlpLabel(t);
    try {
      if (label) {
        event.securityLabel(label);
        labels.push(label);
      } else event.tag(t);
    } catch (err) {
      addReject(report, `${src}#${evId}`, t, errorReason(err));
    }
  }
  const ctx: Ctx = { batch, report, options, event, labels: options.propagateTlp === false ? [] : labels, src };
  for (const a of attributes(ev.Attribute, ctx, 'Attribute')) importAttribute(a, ctx);
  (Array.isArray(ev.Object) ? ev.Object : []).forEach((raw, i) => {
    const o = cleanRecord<MispObject>(raw, ['name', 'uuid', 'id', 'comment'], []);
    if (!o) {
      report.counts.read++;
      addReject(report, `${src}#Object/${i}`, safeText(raw), 'a MISP object is a JSON object');
      return;
    }
    o[POSITION] = `Object/${i}`;
    o.Attribute = attributes(o.Attribute, ctx, `Object/${i}/Attribute`);
    if (o.name === 'file') importFileObject(o, ctx);
    else for (const a of o.Attribute) importAttribute(a, ctx);
  });
}

interface Ctx {
  batch: Batch;
  report: IndicatorImportReport;
  options: MispImportOptions;
  event: GroupBuilder;
  labels: string[];
  src: string;
}

function countGroup(batch: Batch, report: IndicatorImportReport, before: number, type: string): void {
  if (batch.counts.groups > before) {
    report.counts.groups++;
    report.byType[type] = (report.byType[type] ?? 0) + 1;
  } else report.duplicates++;
}

/** Tags, TLP labels, Description and the Event association on an indicator. */
function decorate(b: IndicatorBuilder, a: MispAttribute, ctx: Ctx, where: string): void {
  const tags: string[] = [];
  const labels = [...ctx.labels];
  for (const t of tagNames(a.Tag)) {
    const l = tlpLabel(t);
    if (l) labels.push(l);
    else tags.push(t);
  }
  addMetadata(b, ctx.report, where, { tags, description: a.comment?.trim() || undefined, groups: [ctx.event] });
  for (const l of labels) b.securityLabel(l);
}

function addIndicator(ctx: Ctx, a: MispAttribute, where: string, value: string, make: () => IndicatorBuilder): IndicatorBuilder | undefined {
  const before = ctx.batch.counts.indicators;
  let b: IndicatorBuilder;
  try {
    b = make();
  } catch (err) {
    addReject(ctx.report, where, value, errorReason(err));
    return undefined;
  }
  if (ctx.batch.counts.indicators > before) {
    ctx.report.counts.indicators++;
    ctx.report.byType[b.type] = (ctx.report.byType[b.type] ?? 0) + 1;
  } else ctx.report.duplicates++;
  decorate(b, a, ctx, where);
  return b;
}

function addGroup(ctx: Ctx, a: MispAttribute, where: string, type: string, value: string, make: () => GroupBuilder): void {
  const before = ctx.batch.counts.groups;
  let g: GroupBuilder;
  try {
    g = make();
  } catch (err) {
    addReject(ctx.report, where, value, errorReason(err));
    return;
  }
  countGroup(ctx.batch, ctx.report, before, type);
  const had = g.associatedGroupXids.includes(ctx.event.xid);
  g.association(ctx.event);
  if (!had) ctx.report.counts.associations++;
  for (const t of tagNames(a.Tag)) {
    try {
      const l = tlpLabel(t);
      if (l) g.securityLabel(l);
      else g.tag(t);
    } catch (err) {
      addReject(ctx.report, where, t, errorReason(err));
    }
  }
  for (const l of ctx.labels) g.securityLabel(l);
  if (a.comment?.trim()) g.attribute('Description', a.comment.trim());
}

function splitPath(p: string): { fileName?: string; path?: string } {
  const i = Math.max(p.lastIndexOf('\\'), p.lastIndexOf('/'));
  return i < 0 ? { fileName: p } : { fileName: p.slice(i + 1) || undefined, path: p.slice(0, i + 1) };
}

function importAttribute(a: MispAttribute, ctx: Ctx): void {
  const { batch, report } = ctx;
  const id = attributeId(a);
  const where = `${ctx.src}#${id}`;
  report.counts.read++;
  const type = typeof a.type === 'string' ? a.type : '';
  const raw = typeof a.value === 'string' ? a.value : a.value === undefined || a.value === null ? '' : safeText(a.value);
  if (a.deleted === true) {
    addSkip(report, where, `deleted MISP attribute (${type})`);
    return;
  }
  const value = raw.trim();
  const bar = value.indexOf('|');
  const left = bar >= 0 ? value.slice(0, bar).trim() : value;
  const right = bar >= 0 ? value.slice(bar + 1).trim() : '';
  const reject = (reason: string, v = value): void => void addReject(report, where, v, reason);
  const address = (ip: string): void => {
    const v = refang(ip).trim();
    const cidr = v.includes('/') ? normalizeCidr(v) : undefined;
    if (cidr) return void addIndicator(ctx, a, where, v, () => batch.cidr({ block: cidr }));
    const n = normalizeIp(v);
    if (!n) return reject(`MISP ${type}: not an IP address`, v);
    addIndicator(ctx, a, where, v, () => batch.address({ ip: n }));
  };
  const host = (h: string): void => {
    const n = normalizeHost(refang(h));
    if (!n) return reject(`MISP ${type}: not a host name`, h);
    addIndicator(ctx, a, where, h, () => batch.host({ hostName: n }));
  };
  const file = (hash: string, path?: string): void => {
    const h = normalizeHash(hash);
    if (!h) return reject(`MISP ${type}: not an md5, sha1 or sha256 hash`, hash);
    const kind = type.replace(/^filename\|/, '');
    if (h.kind !== kind) return reject(`MISP ${type}: the hash is a ${h.kind}, not a ${kind}`, hash);
    const b = addIndicator(ctx, a, where, hash, () => batch.file({ [h.kind]: h.value }));
    if (b && path) {
      const { fileName, path: dir } = splitPath(path);
      (b as unknown as { occurrence(n?: string, p?: string): unknown }).occurrence(fileName, dir);
    }
  };
  const registry = (key: string, valueName: string): void => {
    const valueType = ctx.options.registryValueType ?? 'REG_NONE';
    const keyName = normalizeRegistryKey(key);
    addIndicator(ctx, a, where, value, () => batch.registryKey({ keyName, valueName: valueName || ' ', valueType }));
  };
  const signature = (fileType: 'YARA' | 'Snort'): void => {
    let name: string | undefined;
    if (fileType === 'YARA') name = parseYara(value).rules[0]?.name;
    else name = parseSnort(value).rules[0]?.name;
    name ??= a.comment?.trim() || `MISP ${type} ${id}`;
    const ext = fileType === 'YARA' ? 'yar' : 'rules';
    addGroup(ctx, a, where, 'Signature', value, () =>
      withFullName(batch.signature({ name: groupName(name), fileName: `${name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 100)}.${ext}`, fileType, fileText: value, xid: a.uuid ?? false }), name),
    );
  };
  switch (type) {
    case 'ip-src':
    case 'ip-dst':
      return address(value);
    case 'ip-src|port':
    case 'ip-dst|port':
      return address(left);
    case 'domain':
    case 'hostname':
      return host(value);
    case 'hostname|port':
      return host(left);
    case 'domain|ip':
      host(left);
      if (right) {
        const n = normalizeIp(right);
        if (!n) return reject(`MISP ${type}: not an IP address`, right);
        addIndicator(ctx, a, where, right, () => batch.address({ ip: n }));
      }
      return;
    case 'url':
    case 'uri': {
      const n = normalizeUrl(refang(value));
      if (!n) return reject(`MISP ${type}: not a URL with a scheme and host`);
      addIndicator(ctx, a, where, value, () => batch.url({ text: n }));
      return;
    }
    case 'md5':
    case 'sha1':
    case 'sha256':
      return file(value);
    case 'filename|md5':
    case 'filename|sha1':
    case 'filename|sha256':
      return file(right, left);
    case 'email':
    case 'email-src':
    case 'email-dst': {
      const n = normalizeEmail(refang(value));
      if (!n) return reject(`MISP ${type}: not an email address`);
      addIndicator(ctx, a, where, value, () => batch.emailAddress({ address: n }));
      return;
    }
    case 'email-subject':
      addIndicator(ctx, a, where, value, () => batch.emailSubject({ subject: raw }));
      return;
    case 'regkey':
      return registry(value, '');
    case 'regkey|value':
      return registry(left, right);
    case 'mutex':
      addIndicator(ctx, a, where, value, () => batch.mutex({ mutex: value }));
      return;
    case 'user-agent':
      addIndicator(ctx, a, where, value, () => batch.userAgent({ text: value }));
      return;
    case 'AS': {
      const n = normalizeAsn(value, true);
      if (!n) return reject(`MISP ${type}: not an AS number`);
      addIndicator(ctx, a, where, value, () => batch.asn({ asNumber: n }));
      return;
    }
    case 'vulnerability':
      addGroup(ctx, a, where, 'Vulnerability', value, () => withFullName(batch.vulnerability({ name: groupName(value), ...(a.uuid ? { xid: a.uuid } : {}) }), value));
      return;
    case 'yara':
      return signature('YARA');
    case 'snort':
      return signature('Snort');
    default:
      return reject(`MISP type ${safeJson(type)} has no ThreatConnect mapping`);
  }
}

const FILE_HASHES = new Set(['md5', 'sha1', 'sha256']);

function importFileObject(o: MispObject, ctx: Ctx): void {
  const { batch, report } = ctx;
  const where = `${ctx.src}#${o.uuid ?? o[POSITION] ?? 'object'}`;
  const attrs = o.Attribute ?? [];
  const hashes: Record<string, string> = {};
  let fileName: string | undefined;
  let size: number | undefined;
  const rest: MispAttribute[] = [];
  for (const a of attrs) {
    report.counts.read++;
    const rel = a.object_relation ?? a.type ?? '';
    const v = typeof a.value === 'string' ? a.value.trim() : safeText(a.value ?? '');
    if (a.deleted === true) addSkip(report, `${ctx.src}#${attributeId(a)}`, `deleted MISP attribute (${rel})`);
    else if (FILE_HASHES.has(rel)) {
      const h = normalizeHash(v);
      if (h && h.kind === rel) hashes[rel] = h.value;
      else addReject(report, `${ctx.src}#${attributeId(a)}`, v, `file object ${rel}: not a ${rel}`);
    } else if (rel === 'filename') fileName = v;
    else if (rel === 'size-in-bytes' && /^\d+$/.test(v)) size = Number(v);
    else rest.push(a);
  }
  for (const a of rest) addSkip(report, `${ctx.src}#${attributeId(a)}`, `file object attribute ${safeJson(a.object_relation ?? a.type)} has no ThreatConnect File field`);
  if (Object.keys(hashes).length === 0) {
    addReject(report, where, fileName ?? '', 'file object without an md5, sha1 or sha256');
    return;
  }
  const comment = attrs.map((a) => a.comment?.trim()).find((c) => c);
  const tags = attrs.flatMap((a) => a.Tag ?? []);
  const b = addIndicator(ctx, { comment, Tag: tags }, where, Object.values(hashes).join(' : '), () => batch.file(hashes as { md5?: string; sha1?: string; sha256?: string }));
  if (!b) return;
  if (fileName) {
    const { fileName: n, path } = splitPath(fileName);
    (b as unknown as { occurrence(n?: string, p?: string): unknown }).occurrence(n, path);
  }
  if (size !== undefined) {
    try {
      b.addKeyValue('size', size);
    } catch (err) {
      addReject(report, where, safeText(size), errorReason(err));
    }
  }
}
