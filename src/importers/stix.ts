/**
 * STIX 2.0 / 2.1 importer (incl. MITRE ATT&CK bundles): turns a bundle into groups, indicators and
 * associations of a {@link Batch}, and says in an {@link ImportReport} what happened to every object.
 *
 * Mapping:
 *
 * | STIX | ThreatConnect |
 * | --- | --- |
 * | attack-pattern, campaign, course-of-action, intrusion-set, malware, tool, report, vulnerability | the group type of the same name |
 * | threat-actor | Adversary |
 * | x-mitre-tactic | Tactic |
 * | indicator (`pattern_type` stix) | one indicator per simple observable of the pattern (see `stix-pattern.ts`) |
 * | SCOs (2.1 top level, 2.0 inside observed-data) | ipv4/ipv6-addr -> Address (CIDR when the value has a `/`), domain-name -> Host, url -> URL, email-addr -> EmailAddress, file hashes -> File, autonomous-system -> ASN, windows-registry-key -> Registry Key, mutex -> Mutex, email-message subject -> Email Subject |
 * | relationship | association: group->group (`associatedGroupXid`), indicator->group (`associatedGroups`), indicator<->indicator (top-level `association[]` with TC's built-in association type for the pair) |
 * | report `object_refs` | associations of the Report |
 * | attack-pattern `kill_chain_phases` (ATT&CK) | association with the Tactic of the same shortname in the bundle |
 *
 * Per group: xid = the STIX id (so a campaign and an intrusion set both named "Night Dragon" stay
 * two groups); `description` -> Description attribute (displayed); ATT&CK external ids -> tag
 * `T1055 - Process Injection` (external id + ' - ' + name); `first_seen`/`last_seen` -> firstSeen /
 * lastSeen, `published` -> publishDate (Report), `created` -> externalDateAdded, `modified` ->
 * externalLastModified (each only where the catalogue gives the type that field); TLP marking
 * definitions in `object_marking_refs` -> security labels `TLP:WHITE` / `TLP:GREEN` /
 * `TLP:AMBER` / `TLP:RED` (also `TLP:CLEAR`, `TLP:AMBER+STRICT`).
 *
 * Decisions: group names over 100 characters are cut to 100 with `…` (the full name in a Description
 * attribute, the xid the STIX id, so relationships hold); indicators use
 * the default deterministic xid (`sha256(type-summary)`), so one value indicated by several STIX
 * objects is one indicator carrying all their associations; revoked and `x_mitre_deprecated`
 * objects are skipped by default; relationships touching a skipped object are skipped, touching an
 * object missing from the bundle are rejected; a relationship that repeats an association already
 * made is skipped as a duplicate. Statement markings and granular markings are not imported.
 */
import type { Batch } from '../batch/batch.js';
import { FileBuilder } from '../../generated/builders/index.js';
import { indicatorTypes, groupTypes, type GroupTypeName, type IndicatorTypeName } from '../../generated/catalog.js';
import type { GroupBuilder, IndicatorBuilder } from '../model/builder.js';
import { addReject, addSkip, createReport, errorReason, safeText, type ImportReport } from './report.js';
import { extractObservables, normaliseHashKey, parsePattern, type PatternObservable } from './stix-pattern.js';
import { groupName, isCut } from './rules.js';
import { readFileSync } from 'node:fs';
import { readHead, type BytesRead } from './file-input.js';
import { indexJsonElements, lineColumnOfByte, readElements, StreamSyntaxError, type JsonElements } from './json-stream.js';
import { JsonSyntaxError, parseJsonText } from './json-text.js';

/** Options of {@link importStix}. */
export interface StixImportOptions {
  /** Name of the input in the report (a file path). Default `stix`. */
  source?: string;
  /** Import objects with `revoked: true` too (default false: skipped and counted). */
  includeRevoked?: boolean;
  /** Import objects with `x_mitre_deprecated: true` too (default false: skipped and counted). */
  includeDeprecated?: boolean;
}

/** STIX object type -> ThreatConnect group type. */
export const STIX_GROUP_TYPES: Readonly<Record<string, GroupTypeName>> = {
  'attack-pattern': 'Attack Pattern',
  campaign: 'Campaign',
  'course-of-action': 'Course of Action',
  'intrusion-set': 'Intrusion Set',
  'threat-actor': 'Adversary',
  malware: 'Malware',
  tool: 'Tool',
  report: 'Report',
  vulnerability: 'Vulnerability',
  'x-mitre-tactic': 'Tactic',
};

/** STIX 2.1 cyber-observable object types (STIX 2.1 §6); those without a mapping are skipped. */
const SCO_TYPES = new Set([
  'artifact', 'autonomous-system', 'directory', 'domain-name', 'email-addr', 'email-message', 'file', 'ipv4-addr', 'ipv6-addr',
  'mac-addr', 'mutex', 'network-traffic', 'process', 'software', 'url', 'user-account', 'windows-registry-key', 'x509-certificate',
]);

/** TLP levels: label color (TC's TLP colors). */
const TLP_COLORS: Readonly<Record<string, string>> = { CLEAR: 'FFFFFF', WHITE: 'FFFFFF', GREEN: '33FF00', AMBER: 'FFC000', 'AMBER+STRICT': 'FFC000', RED: 'FF0033' };

/** The TLP marking definitions predefined by STIX 2.1 §7.2.1.4 (bundles reference them without including them). */
const STIX_TLP_IDS: Readonly<Record<string, string>> = {
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'WHITE',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'GREEN',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'AMBER',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'RED',
};

/** ATT&CK `external_references[].source_name` values whose `external_id` becomes a tag. */
const ATTACK_SOURCES = new Set(['mitre-attack', 'mitre-mobile-attack', 'mitre-ics-attack']);

/** Built-in TC indicator<->indicator association types by type pair (ThreatConnect V2 Batch API: associations). */
const INDICATOR_LINKS: ReadonlyArray<readonly [IndicatorTypeName, IndicatorTypeName, string]> = [
  ['Address', 'User Agent', 'Address to User Agent'],
  ['ASN', 'Address', 'ASN to Address'],
  ['ASN', 'CIDR', 'ASN to CIDR'],
  ['CIDR', 'Address', 'CIDR to Address'],
  ['Address', 'Host', 'DNS PTR Record'],
  ['Host', 'EmailAddress', 'Domain Registrant Email'],
  ['URL', 'File', 'File Download'],
  ['URL', 'Address', 'URL Host'],
  ['URL', 'Host', 'URL Host'],
];

/** An indicator to create: TC type and values by the catalogue's value argument names. */
interface IndicatorSpec {
  type: IndicatorTypeName;
  values: Record<string, string>;
}

type StixObject = Record<string, unknown> & { type: string; id: string };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The TC indicator for one observable (from a pattern or an SCO), or why there is none.
 * Values are keyed by the catalogue's value argument names (`ip`, `hostName`, `md5`...).
 */
function indicatorSpec(o: PatternObservable): IndicatorSpec | string {
  const v = o.values;
  switch (o.objectType) {
    case 'ipv4-addr':
    case 'ipv6-addr': {
      const value = v[`${o.objectType}:value`]!;
      return value.includes('/') ? { type: 'CIDR', values: { block: value } } : { type: 'Address', values: { ip: value } };
    }
    case 'domain-name':
      return { type: 'Host', values: { hostName: v['domain-name:value']! } };
    case 'url':
      return { type: 'URL', values: { text: v['url:value']! } };
    case 'email-addr':
      return { type: 'EmailAddress', values: { address: v['email-addr:value']! } };
    case 'file': {
      const values: Record<string, string> = {};
      if (v['file:hashes.MD5']) values.md5 = v['file:hashes.MD5'];
      if (v['file:hashes.SHA-1']) values.sha1 = v['file:hashes.SHA-1'];
      if (v['file:hashes.SHA-256']) values.sha256 = v['file:hashes.SHA-256'];
      return Object.keys(values).length > 0 ? { type: 'File', values } : 'a file needs an MD5, SHA-1 or SHA-256 hash';
    }
    case 'autonomous-system':
      return { type: 'ASN', values: { asNumber: `ASN${v['autonomous-system:number']!}` } };
    case 'windows-registry-key':
      // TC needs all three values; ' ' is TC's "no value name" and REG_NONE "no value type" (ThreatConnect REST API: indicator types).
      return {
        type: 'Registry Key',
        values: {
          keyName: v['windows-registry-key:key']!,
          valueName: v['windows-registry-key:values[*].name'] ?? ' ',
          valueType: v['windows-registry-key:values[*].data_type'] ?? 'REG_NONE',
        },
      };
    case 'mutex':
      return { type: 'Mutex', values: { mutex: v['mutex:name']! } };
    case 'email-message':
      return { type: 'Email Subject', values: { subject: v['email-message:subject']! } };
    default:
      return `${o.objectType} has no ThreatConnect indicator type`;
  }
}

/** Observables of a cyber-observable object (2.1 top level or 2.0 embedded), or why there are none. */
function scoObservables(o: Record<string, unknown>): PatternObservable[] | string {
  const type = safeText(o.type);
  const text = `${type} ${typeof o.id === 'string' ? o.id : ''}`.trim();
  const one = (path: string, value: unknown): PatternObservable[] | string =>
    typeof value === 'string' || typeof value === 'number' ? [{ objectType: type, values: { [path]: String(value) }, text }] : `${type} without ${path.split(':')[1]}`;
  switch (type) {
    case 'ipv4-addr':
    case 'ipv6-addr':
    case 'domain-name':
    case 'url':
    case 'email-addr':
      return one(`${type}:value`, o.value);
    case 'autonomous-system':
      return one('autonomous-system:number', o.number);
    case 'mutex':
      return one('mutex:name', o.name);
    case 'email-message':
      return one('email-message:subject', o.subject);
    case 'file': {
      const values: Record<string, string> = {};
      for (const [k, h] of Object.entries((o.hashes as Record<string, unknown> | undefined) ?? {})) {
        const key = normaliseHashKey(k);
        if (key && typeof h === 'string') values[`file:hashes.${key}`] = h;
      }
      return Object.keys(values).length > 0 ? [{ objectType: 'file', values, text }] : 'a file needs an MD5, SHA-1 or SHA-256 hash';
    }
    case 'windows-registry-key': {
      if (typeof o.key !== 'string') return 'windows-registry-key without key';
      const list = Array.isArray(o.values) ? (o.values as Array<Record<string, unknown>>) : [];
      if (list.length === 0) return [{ objectType: type, values: { 'windows-registry-key:key': o.key }, text }];
      return list.map((val) => {
        const values: Record<string, string> = { 'windows-registry-key:key': o.key as string };
        if (str(val.name)) values['windows-registry-key:values[*].name'] = val.name as string;
        if (str(val.data_type)) values['windows-registry-key:values[*].data_type'] = val.data_type as string;
        return { objectType: type, values, text };
      });
    }
    default:
      return `SCO type ${type} has no ThreatConnect indicator type`;
  }
}

function summaryOf(spec: IndicatorSpec): string {
  return indicatorTypes[spec.type].values.map((slot) => spec.values[slot.arg]).filter((x) => x !== undefined).join(' : ');
}

/** A group or indicator of the batch, by kind and xid (builders are fetched from the batch when used, never held). */
interface Item {
  kind: 'group' | 'indicator';
  xid: string;
}

/** What a STIX id became in the batch. */
export type Resolved = { kind: 'groups'; xids: string[] } | { kind: 'indicators'; xids: string[] } | { kind: 'excluded'; reason: string };

/** What the import keeps about the first object of each id between its passes. */
export interface IdEntry {
  /** Position of the first object with this id among the top-level objects. */
  pos: number;
  /** Its STIX type. */
  type: string;
  /** The TLP level it defines, when it is a TLP marking definition. */
  tlp?: string;
  /** What it became (set by the passes). */
  res?: Resolved;
  /** An observed-data or relationship object for the second pass. */
  later?: boolean;
}

/**
 * Where an import keeps its state across passes: one entry per STIX id and the associations made.
 * {@link MemoryStixState} holds them in maps.
 */
export interface StixState {
  get(id: string): IdEntry | undefined;
  /** Store a new entry or a changed one (entries read with `get` may be copies). */
  set(id: string, entry: IdEntry): void;
  hasEdge(key: string): boolean;
  addEdge(key: string): void;
}

/** {@link StixState} in memory. */
export class MemoryStixState implements StixState {
  readonly #ids = new Map<string, IdEntry>();
  readonly #edges = new Set<string>();
  get(id: string): IdEntry | undefined {
    return this.#ids.get(id);
  }
  set(id: string, entry: IdEntry): void {
    this.#ids.set(id, entry);
  }
  hasEdge(key: string): boolean {
    return this.#edges.has(key);
  }
  addEdge(key: string): void {
    this.#edges.add(key);
  }
}

/** The TLP level a marking definition defines (TLP 1 `definition`, TLP 2 extension, or a `TLP:...` name). */
function tlpOfDefinition(def: StixObject): string | undefined {
  const d = def.definition as Record<string, unknown> | undefined;
  if (def.definition_type === 'tlp' && typeof d?.tlp === 'string') return d.tlp.toUpperCase();
  for (const ext of Object.values((def.extensions as Record<string, Record<string, unknown>> | undefined) ?? {})) {
    if (typeof ext?.tlp_2_0 === 'string') return ext.tlp_2_0.toUpperCase();
  }
  const m = typeof def.name === 'string' ? /^TLP:\s*(CLEAR|WHITE|GREEN|AMBER\+STRICT|AMBER|RED)$/i.exec(def.name) : null;
  return m ? m[1]!.toUpperCase() : undefined;
}

/** The passes an import makes over the top-level objects, in order. */
export const STIX_PASSES = ['index', 'main', 'observed', 'relationships', 'refs'] as const;
export type StixPass = (typeof STIX_PASSES)[number];

/**
 * One STIX import, fed the top-level objects once per pass ({@link STIX_PASSES}): `index` records
 * every id (the first object of an id is the one imported); `main` imports groups, indicators and
 * cyber-observables; `observed` the observed-data objects; `relationships` the relationships; `refs`
 * report `object_refs` and ATT&CK kill chain phases. A pass that {@link StixImport.needs} says is
 * not needed may be left out. {@link importStix} feeds it an array; `importStixFile` a file read
 * again for each pass, so objects are never all in memory.
 */
export class StixImport {
  readonly report: ImportReport;
  readonly #batch: Batch;
  readonly #options: StixImportOptions;
  readonly #state: StixState;
  readonly #tactics = new Map<string, string>();
  readonly #types = new Map<string, string>();
  #observed = false;
  #relationships = false;
  #refs = false;

  constructor(batch: Batch, options: StixImportOptions = {}, state: StixState = new MemoryStixState()) {
    this.#batch = batch;
    this.#options = options;
    this.#state = state;
    this.report = createReport(options.source ?? 'stix');
  }

  /** Whether a pass has anything to do (known after `main`). */
  needs(pass: StixPass): boolean {
    return pass === 'observed' ? this.#observed : pass === 'relationships' ? this.#relationships : pass === 'refs' ? this.#refs : true;
  }

  /** Input that is not STIX at all: one reject. */
  notStix(value: unknown, reason: string): void {
    this.report.counts.read = 1;
    addReject(this.report, this.report.source, safeText(value), reason);
  }

  /** Feed object number `pos` (0-based) of the pass. */
  visit(pass: StixPass, o: unknown, pos: number): void {
    switch (pass) {
      case 'index':
        this.report.counts.read++;
        if (isStixObject(o) && this.#state.get(o.id) === undefined) {
          const entry: IdEntry = { pos, type: this.#intern(o.type) };
          const tlp = tlpOfDefinition(o);
          if (tlp !== undefined) entry.tlp = tlp;
          this.#state.set(o.id, entry);
        }
        return;
      case 'main':
        return this.#main(o, pos);
      case 'observed': {
        const e = this.#first(o, pos);
        if (e?.later && (o as StixObject).type === 'observed-data') this.#observedData(o as StixObject);
        return;
      }
      case 'relationships': {
        const e = this.#first(o, pos);
        if (e?.later && (o as StixObject).type === 'relationship') this.#relationship(o as StixObject);
        return;
      }
      case 'refs': {
        const e = this.#first(o, pos);
        if (e?.res?.kind === 'groups') this.#groupRefs(o as StixObject, e.res.xids[0]!);
        return;
      }
    }
  }

  #intern(type: string): string {
    let t = this.#types.get(type);
    if (t === undefined) this.#types.set(type, (t = type));
    return t;
  }

  /** The entry of `o` when `o` is the first object with its id. */
  #first(o: unknown, pos: number): IdEntry | undefined {
    if (!isStixObject(o)) return undefined;
    const e = this.#state.get(o.id);
    return e !== undefined && e.pos === pos ? e : undefined;
  }

  #resolve(id: string, res: Resolved): void {
    const e = this.#state.get(id)!;
    e.res = res;
    this.#state.set(id, e);
  }

  #reject(source: string, value: string, reason: string): void {
    addReject(this.report, source, value, reason);
  }

  #attempt(source: string, value: string, fn: () => void, prefix = ''): boolean {
    try {
      fn();
      return true;
    } catch (e) {
      this.#reject(source, value, `${prefix}${errorReason(e)}`);
      return false;
    }
  }

  #group(xid: string): GroupBuilder {
    return this.#batch.item('group', xid) as GroupBuilder;
  }
  #indicator(xid: string): IndicatorBuilder {
    return this.#batch.item('indicator', xid) as IndicatorBuilder;
  }
  #builder(item: Item): GroupBuilder | IndicatorBuilder {
    return item.kind === 'group' ? this.#group(item.xid) : this.#indicator(item.xid);
  }

  // --- markings -> security labels
  #applyMarkings(o: StixObject, item: GroupBuilder | IndicatorBuilder): void {
    const refs = Array.isArray(o.object_marking_refs) ? o.object_marking_refs : [];
    for (const ref of refs) {
      if (typeof ref !== 'string') continue;
      const def = this.#state.get(ref);
      const tlp = def?.tlp ?? STIX_TLP_IDS[ref];
      if (tlp && TLP_COLORS[tlp]) {
        this.#attempt(o.id, ref, () => item.securityLabel(`TLP:${tlp}`, `Traffic Light Protocol: ${tlp}`, TLP_COLORS[tlp]));
      } else if (def === undefined) {
        this.#reject(o.id, ref, 'unknown marking definition (not in the bundle and not a STIX TLP marking); no security label');
      }
      // other marking definitions in the bundle (statements) are not security labels
    }
  }

  #setField(o: StixObject, item: GroupBuilder | IndicatorBuilder, field: string, value: unknown): void {
    if (value === undefined || value === null) return;
    const fields = item.kind === 'group' ? groupTypes[item.type as GroupTypeName].fields : indicatorTypes[item.type as IndicatorTypeName].fields;
    if (!(field in fields)) return;
    if (item.toJSON()[field] !== undefined) return; // first writer wins (an indicator seen twice)
    if (typeof value === 'object' || typeof value === 'function' || typeof value === 'symbol') {
      this.#reject(o.id, Object.prototype.toString.call(value), `${field}: a STIX ${field === 'size' ? 'size is a number' : 'timestamp is a string'}`);
      return;
    }
    this.#attempt(o.id, safeText(value), () => item.addKeyValue(field, value), `${field}: `);
  }

  // --- indicators
  #addIndicator(spec: IndicatorSpec, source: string): IndicatorBuilder | undefined {
    const batch = this.#batch;
    const method = indicatorTypes[spec.type].method;
    const create = (batch as unknown as Record<string, (o: Record<string, string>) => IndicatorBuilder>)[method]!;
    const before = batch.counts.indicators;
    try {
      const ind = create.call(batch, { ...spec.values });
      if (batch.counts.indicators > before) this.report.counts.indicators++;
      return ind;
    } catch (e) {
      this.#reject(source, summaryOf(spec), `${spec.type}: ${errorReason(e)}`);
      return undefined;
    }
  }

  /** The indicators of observables (xids, each once, in order). */
  #fromObservables(obs: PatternObservable[], source: string, use?: (ind: IndicatorBuilder) => void): string[] {
    const out: string[] = [];
    for (const ob of obs) {
      const spec = indicatorSpec(ob);
      if (typeof spec === 'string') {
        this.#reject(source, ob.text, spec);
        continue;
      }
      const ind = this.#addIndicator(spec, source);
      if (ind && !out.includes(ind.xid)) {
        out.push(ind.xid);
        use?.(ind);
      }
    }
    return out;
  }

  #fromSco(sco: Record<string, unknown>, source: string): string[] | string {
    const obs = scoObservables(sco);
    if (typeof obs === 'string') return obs;
    let first: IndicatorBuilder | undefined;
    const xids = this.#fromObservables(obs, source, (ind) => (first ??= ind));
    if (sco.type === 'file' && first instanceof FileBuilder) {
      const file = first;
      if (typeof sco.name === 'string' && sco.name !== '') this.#attempt(source, sco.name, () => file.occurrence(sco.name as string), 'fileOccurrence: ');
      if (typeof sco.size === 'number') this.#setField(sco as StixObject, file, 'size', sco.size);
    }
    return xids;
  }

  // --- pass main: groups, indicators, SCOs
  #main(raw: unknown, pos: number): void {
    if (!isStixObject(raw)) {
      this.#reject(this.report.source, safeText(raw), 'not a STIX object (needs string type and id)');
      return;
    }
    const o = raw;
    const entry = this.#state.get(o.id)!;
    if (entry.pos !== pos) {
      addSkip(this.report, o.id, 'duplicate id: an earlier object in the bundle has the same id (the first one is imported)');
      return;
    }
    if (o.revoked === true && !this.#options.includeRevoked) return this.#exclude(o, 'revoked');
    if (o.x_mitre_deprecated === true && !this.#options.includeDeprecated) return this.#exclude(o, 'deprecated (x_mitre_deprecated)');
    const groupType = STIX_GROUP_TYPES[o.type];
    if (groupType) {
      const g = this.#addGroup(o, groupType);
      this.#resolve(o.id, g ? { kind: 'groups', xids: [g] } : { kind: 'excluded', reason: 'rejected' });
      if (g && ((o.type === 'report' && Array.isArray(o.object_refs)) || (o.type === 'attack-pattern' && Array.isArray(o.kill_chain_phases)))) this.#refs = true;
      return;
    }
    if (o.type === 'indicator') {
      this.#resolve(o.id, { kind: 'indicators', xids: this.#indicatorObject(o) });
      return;
    }
    if (SCO_TYPES.has(o.type)) {
      const inds = this.#fromSco(o, o.id);
      if (typeof inds === 'string') this.#exclude(o, inds);
      else this.#resolve(o.id, { kind: 'indicators', xids: inds });
      return;
    }
    if (o.type === 'observed-data' || o.type === 'relationship') {
      // observed-data after the 2.1 SCOs it refers to, relationships after everything
      entry.later = true;
      this.#state.set(o.id, entry);
      if (o.type === 'observed-data') this.#observed = true;
      else this.#relationships = true;
      return;
    }
    this.#exclude(o, `${o.type} is not a ThreatConnect item${o.type === 'marking-definition' ? ' (TLP markings become security labels)' : ''}`);
  }

  // --- pass observed: observed-data -> the indicators of its SCOs (2.0 embedded, 2.1 object_refs)
  #observedData(o: StixObject): void {
    const items: string[] = [];
    const embedded = o.objects && typeof o.objects === 'object' ? Object.entries(o.objects as Record<string, Record<string, unknown>>) : [];
    for (const [key, sco] of embedded) {
      const inds = this.#fromSco(sco, `${o.id}/objects/${key}`);
      if (typeof inds === 'string') addSkip(this.report, `${o.id}/objects/${key}`, inds);
      else items.push(...inds);
    }
    for (const ref of Array.isArray(o.object_refs) ? (o.object_refs as string[]) : []) {
      const r = this.#state.get(ref)?.res;
      if (r?.kind === 'indicators') items.push(...r.xids);
    }
    for (const xid of items) {
      this.#setField(o, this.#indicator(xid), 'firstSeen', o.first_observed);
      this.#setField(o, this.#indicator(xid), 'lastSeen', o.last_observed);
    }
    if (items.length === 0) this.#exclude(o, 'observed-data without an object that maps to a ThreatConnect indicator');
    else this.#resolve(o.id, { kind: 'indicators', xids: [...new Set(items)] });
  }

  // --- pass relationships
  #relationship(o: StixObject): void {
    const src = typeof o.source_ref === 'string' ? o.source_ref : '';
    const dst = typeof o.target_ref === 'string' ? o.target_ref : '';
    const shown = (v: unknown): string => (v === undefined ? '' : safeText(v));
    const value = `${shown(o.source_ref)} ${shown(o.relationship_type)} ${shown(o.target_ref)}`;
    const a = this.#resolveRef(src);
    const b = this.#resolveRef(dst);
    if (!a || !b) {
      const [field, ref] = !a ? ['source_ref', src] : ['target_ref', dst];
      this.#reject(o.id, value, ref === '' ? `a relationship's ${field} is a STIX id (a string)` : `${field} ${ref} is not in the bundle`);
      return;
    }
    if (a.kind === 'excluded' || b.kind === 'excluded') {
      const [ref, r] = a.kind === 'excluded' ? [src, a] : [dst, b as Extract<Resolved, { kind: 'excluded' }>];
      addSkip(this.report, o.id, `${ref === src ? 'source' : 'target'} ${ref} was not imported (${r.reason})`);
      return;
    }
    if (a.xids.length === 0 || b.xids.length === 0) {
      addSkip(this.report, o.id, `${a.xids.length === 0 ? 'source' : 'target'} ${a.xids.length === 0 ? src : dst} gave no ThreatConnect item (see rejects)`);
      return;
    }
    const before = this.report.counts.associations;
    const rejectedBefore = this.report.counts.rejected;
    for (const x of items(a)) for (const y of items(b)) this.#link(o.id, value, x, y);
    if (this.report.counts.associations === before && this.report.counts.rejected === rejectedBefore) addSkip(this.report, o.id, 'duplicate: every association it makes is already in the batch');
  }

  // --- pass refs: report object_refs, ATT&CK kill chain phases
  #groupRefs(o: StixObject, xid: string): void {
    const group: Item = { kind: 'group', xid };
    if (o.type === 'report' && Array.isArray(o.object_refs)) {
      // refs to relationships and to objects that were not imported are accounted for on their own
      for (const ref of o.object_refs as unknown[]) {
        const t = typeof ref === 'string' ? this.#state.get(ref)?.res : undefined;
        if (t && t.kind !== 'excluded') for (const item of items(t)) this.#link(o.id, `${o.id} object_refs ${safeText(ref)}`, group, item);
      }
    }
    if (o.type === 'attack-pattern' && Array.isArray(o.kill_chain_phases)) {
      for (const phase of o.kill_chain_phases as Array<Record<string, unknown>>) {
        const tactic = typeof phase?.phase_name === 'string' && ATTACK_SOURCES.has(safeText(phase.kill_chain_name)) ? this.#tactics.get(phase.phase_name) : undefined;
        if (tactic !== undefined) this.#link(o.id, `${o.id} kill_chain_phases ${safeText(phase.phase_name)}`, group, { kind: 'group', xid: tactic });
      }
    }
  }

  #exclude(o: StixObject, reason: string): void {
    this.#resolve(o.id, { kind: 'excluded', reason });
    addSkip(this.report, o.id, reason);
  }

  #resolveRef(ref: string): Resolved | undefined {
    const e = this.#state.get(ref);
    if (e === undefined) return undefined;
    return e.res ?? { kind: 'excluded', reason: `${e.type} is not a ThreatConnect item` };
  }

  /** The group's xid, or undefined when it was rejected. */
  #addGroup(o: StixObject, type: GroupTypeName): string | undefined {
    const batch = this.#batch;
    const name = typeof o.name === 'string' ? o.name : undefined;
    if (name === undefined || name.trim() === '') {
      this.#reject(o.id, '', `${o.type} without a name`);
      return undefined;
    }
    const before = batch.counts.groups;
    let g: GroupBuilder;
    try {
      g = batch.group(type, groupName(name), o.id);
    } catch (e) {
      this.#reject(o.id, name, `${type}: ${errorReason(e)}`);
      return undefined;
    }
    if (batch.counts.groups > before) this.report.counts.groups++;
    if (isCut(name)) this.#attempt(o.id, name.slice(0, 200), () => g.attribute('Description', name), 'Description attribute: ');
    if (typeof o.description === 'string' && o.description.trim() !== '') {
      this.#attempt(o.id, o.description.slice(0, 200), () => g.attribute('Description', o.description as string, true), 'Description attribute: ');
    }
    for (const ref of Array.isArray(o.external_references) ? (o.external_references as Array<Record<string, unknown>>) : []) {
      if (ATTACK_SOURCES.has(safeText(ref?.source_name)) && typeof ref.external_id === 'string') {
        const tag = `${ref.external_id} - ${name}`;
        this.#attempt(o.id, tag, () => g.tag(tag));
      }
    }
    this.#setField(o, g, 'firstSeen', o.first_seen);
    this.#setField(o, g, 'lastSeen', o.last_seen);
    this.#setField(o, g, 'publishDate', o.published);
    this.#setField(o, g, 'externalDateAdded', o.created);
    this.#setField(o, g, 'externalLastModified', o.modified);
    this.#applyMarkings(o, g);
    if (o.type === 'x-mitre-tactic' && typeof o.x_mitre_shortname === 'string') this.#tactics.set(o.x_mitre_shortname, g.xid);
    return g.xid;
  }

  #indicatorObject(o: StixObject): string[] {
    const pattern = typeof o.pattern === 'string' ? o.pattern : undefined;
    const patternType = typeof o.pattern_type === 'string' ? o.pattern_type : 'stix';
    if (pattern === undefined) {
      this.#reject(o.id, '', 'indicator without a pattern');
      return [];
    }
    if (patternType !== 'stix') {
      this.#reject(o.id, pattern, `pattern_type ${patternType} is not supported (only stix)`);
      return [];
    }
    let observables: PatternObservable[];
    try {
      const extracted = extractObservables(parsePattern(pattern));
      for (const u of extracted.unsupported) this.#reject(o.id, pattern, `unsupported STIX pattern: ${u.reason} in ${u.text}`);
      observables = extracted.observables;
    } catch (e) {
      this.#reject(o.id, pattern, errorReason(e));
      return [];
    }
    const xids = this.#fromObservables(observables, o.id);
    for (const xid of xids) {
      const ind = this.#indicator(xid);
      const text = str(o.description) ?? str(o.name);
      if (text) this.#attempt(o.id, text.slice(0, 200), () => ind.attribute('Description', text, true), 'Description attribute: ');
      if (typeof o.confidence === 'number' && ind.toJSON().confidence === undefined) this.#attempt(o.id, safeText(o.confidence), () => ind.addKeyValue('confidence', o.confidence), 'confidence: ');
      this.#setField(o, ind, 'externalDateAdded', o.created);
      this.#setField(o, ind, 'externalLastModified', o.modified);
      this.#setField(o, ind, 'externalDateExpires', o.valid_until);
      this.#applyMarkings(o, ind);
    }
    return xids;
  }

  /** One TC association between two batch items (either order); counts it when new. */
  #link(source: string, value: string, x: Item, y: Item): void {
    if (x.kind === y.kind && x.xid === y.xid) return;
    const key = [x.xid, y.xid].sort().join('|');
    if (this.#state.hasEdge(key)) return;
    if (x.kind === 'group' && y.kind === 'group') {
      this.#attempt(source, value, () => this.#group(x.xid).association(y.xid));
    } else if (x.kind === 'indicator' && y.kind === 'group') {
      this.#attempt(source, value, () => this.#indicator(x.xid).association(y.xid));
    } else if (x.kind === 'group' && y.kind === 'indicator') {
      this.#attempt(source, value, () => this.#indicator(y.xid).association(x.xid));
    } else {
      const bx = this.#builder(x) as IndicatorBuilder;
      const by = this.#builder(y) as IndicatorBuilder;
      const t1 = bx.type as IndicatorTypeName;
      const t2 = by.type as IndicatorTypeName;
      const found = INDICATOR_LINKS.find(([p, q]) => (p === t1 && q === t2) || (p === t2 && q === t1));
      if (!found) {
        this.#reject(source, value, `no built-in ThreatConnect association type between ${t1} and ${t2}`);
        return;
      }
      const ok = this.#attempt(source, value, () => this.#batch.association({ ref_1: bx.summary, type_1: t1, ref_2: by.summary, type_2: t2, associationType: found[2] }));
      if (!ok) return;
    }
    this.#state.addEdge(key);
    this.report.counts.associations++;
  }
}

/** The items of a resolution that made some. */
function items(r: Exclude<Resolved, { kind: 'excluded' }>): Item[] {
  const kind = r.kind === 'groups' ? 'group' : 'indicator';
  return r.xids.map((xid) => ({ kind, xid }));
}

/**
 * Import a STIX 2.0/2.1 bundle (or a single STIX object, or an array of objects) into `batch`.
 *
 * Every top-level object is counted in `read` and ends up as a group or indicator(s), inside an
 * association, in `rejects` (invalid value, unsupported or invalid pattern, dangling reference,
 * group name over 100 characters...) or in `skipped` (revoked, deprecated, not a ThreatConnect
 * item, relationship to a skipped object, duplicate association). Values that break a
 * ThreatConnect rule inside an otherwise imported object (a tag over 128 characters, an unknown
 * marking) are rejected one by one, the object is kept. For a bundle file larger than memory see
 * `importStixFile` (the same report and items).
 *
 * @param bundle parsed JSON
 * @param batch the batch to add to (items already in it are reused by xid)
 * @returns the report; input that is not STIX gives a report with one reject. Never throws for bad
 *   input: `ValidationError`s of the Batch API are caught into `rejects`.
 */
export function importStix(bundle: unknown, batch: Batch, options: StixImportOptions = {}): ImportReport {
  const run = new StixImport(batch, options);
  const objects = topLevelObjects(bundle);
  if (typeof objects === 'string') {
    run.notStix(bundle, objects);
    return run.report;
  }
  for (const pass of STIX_PASSES) {
    if (!run.needs(pass)) continue;
    for (let i = 0; i < objects.length; i++) run.visit(pass, objects[i], i);
  }
  return run.report;
}

/** Options of {@link importStixFile}. */
export interface StixFileOptions extends StixImportOptions {
  /** Bytes read at a time (default 1 MiB). */
  chunkBytes?: number;
  /** Bytes read in the current pass, the file size, the pass (1-based) and the passes in all (known after pass 2). */
  onProgress?: (bytesRead: number, totalBytes: number, pass: number, passes: number) => void;
  /** Where the import keeps its per-id state (default in memory). */
  state?: StixState;
}

/** Files up to this size are read whole to describe a syntax error exactly as `parseJsonText` does. */
const EXACT_ERRORS_BYTES = 64 * 1024 * 1024;

/**
 * {@link importStix} of a bundle file (or a file with an array of objects) read as a stream: one
 * streaming pass checks the JSON, indexes the ids and records where each object is (16 bytes an
 * object); each later pass reads the objects it needs again from the file. The objects are never
 * all in memory; the import keeps one entry per STIX id (see {@link StixState}). Same report and
 * items as {@link importStix} of the parsed file. A file whose root is neither an array nor a
 * bundle object is read whole.
 * @throws JsonSyntaxError for invalid JSON (line and column; for files over 64 MiB the problem is
 *   worded by the streaming parser), or a file system error
 */
export async function importStixFile(file: string, batch: Batch, options: StixFileOptions = {}): Promise<ImportReport> {
  const head = readHead(file, 1 << 16);
  const first = /^[ \t\r\n]*([[{])/.exec(head.text)?.[1];
  const whole = () => importStix(parseJsonText(readFileSync(file, 'utf8')), batch, options);
  if (first === undefined) return whole();
  const run = new StixImport(batch, options, options.state);
  let passes = 2;
  const onBytes = (pass: number): BytesRead | undefined => (options.onProgress ? (b, t) => options.onProgress!(b, t, pass, passes) : undefined);
  let index: JsonElements;
  try {
    index = await indexJsonElements(file, { of: first === '[' ? 'array' : 'objects', chunkBytes: options.chunkBytes, onBytes: onBytes(1), onElement: (v, p) => run.visit('index', v, p) });
  } catch (e) {
    if (!(e instanceof StreamSyntaxError)) throw e;
    if (head.size <= EXACT_ERRORS_BYTES) return whole();
    const { line, column } = await lineColumnOfByte(file, e.offset);
    throw new JsonSyntaxError(line, column, e.offset, streamProblem(e.problem));
  }
  if (first === '{' && (index.irregular || index.root?.type !== 'bundle')) return whole();
  // pass 2 marks what the later passes need
  const later = new Uint8Array(index.count);
  const bits: Partial<Record<StixPass, number>> = { observed: 1, relationships: 2, refs: 4 };
  const mark = (o: unknown, position: number) => {
    const t = (o as { type?: unknown } | null)?.type;
    if (t === 'observed-data') later[position] = 1;
    else if (t === 'relationship') later[position] = 2;
    else if (t === 'report' || t === 'attack-pattern') later[position] = 4;
  };
  for await (const { value, position } of readElements(file, index, { chunkBytes: options.chunkBytes, onBytes: onBytes(2) })) {
    run.visit('main', value, position);
    mark(value, position);
  }
  const rest = (['observed', 'relationships', 'refs'] as const).filter((p) => run.needs(p));
  passes = 2 + rest.length;
  onBytes(2)?.(head.size, head.size); // a pass ends at the last object it needs
  let pass = 2;
  for (const p of rest) {
    const bit = bits[p]!;
    pass++;
    for await (const { value, position } of readElements(file, index, { chunkBytes: options.chunkBytes, onBytes: onBytes(pass), wanted: (i) => (later[i]! & bit) !== 0 })) run.visit(p, value, position);
    onBytes(pass)?.(head.size, head.size);
  }
  return run.report;
}

/** The problem of a streaming parser's error message, in `parseJsonText`'s words where they match. */
function streamProblem(message: string): string {
  if (/in state (?:VALUE)\b/.test(message)) return 'a value expected';
  if (/in state KEY\b/.test(message)) return 'a property name in double quotes expected';
  if (/in state COLON\b/.test(message)) return '":" expected';
  if (/in state COMMA\b/.test(message)) return '"," expected';
  if (/state: STRING/.test(message)) return 'unterminated string';
  if (/in state ENDED|end of file expected/.test(message)) return 'end of file expected';
  if (/^Unexpected "/.test(message)) return 'unexpected character';
  return 'the file ends before the JSON does';
}

function isStixObject(o: unknown): o is StixObject {
  return typeof o === 'object' && o !== null && typeof (o as StixObject).type === 'string' && typeof (o as StixObject).id === 'string';
}

/** The objects of a bundle, an array or one object, or why `input` is none of them. */
export function topLevelObjects(input: unknown): unknown[] | string {
  if (Array.isArray(input)) return input;
  if (typeof input !== 'object' || input === null) return 'not a STIX bundle or object';
  const o = input as Record<string, unknown>;
  if (o.type === 'bundle') return Array.isArray(o.objects) ? o.objects : 'a STIX bundle needs an objects array';
  if (isStixObject(o)) return [o];
  return 'not a STIX bundle or object';
}
