/**
 * STIX 2.0 / 2.1 importer (incl. MITRE ATT&CK bundles): turns a bundle into groups, indicators and
 * associations of a {@link Batch}, and says in an {@link ImportReport} what happened to every object.
 *
 * Mapping (issue 6):
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

/** What a STIX id became in the batch. */
type Resolved = { kind: 'groups'; items: GroupBuilder[] } | { kind: 'indicators'; items: IndicatorBuilder[] } | { kind: 'excluded'; reason: string };

/**
 * Import a STIX 2.0/2.1 bundle (or a single STIX object, or an array of objects) into `batch`.
 *
 * Every top-level object is counted in `read` and ends up as a group or indicator(s), inside an
 * association, in `rejects` (invalid value, unsupported or invalid pattern, dangling reference,
 * group name over 100 characters...) or in `skipped` (revoked, deprecated, not a ThreatConnect
 * item, relationship to a skipped object, duplicate association). Values that break a
 * ThreatConnect rule inside an otherwise imported object (a tag over 128 characters, an unknown
 * marking) are rejected one by one, the object is kept.
 *
 * @param bundle parsed JSON
 * @param batch the batch to add to (items already in it are reused by xid)
 * @returns the report; input that is not STIX gives a report with one reject. Never throws for bad
 *   input: `ValidationError`s of the Batch API are caught into `rejects`.
 */
export function importStix(bundle: unknown, batch: Batch, options: StixImportOptions = {}): ImportReport {
  const report = createReport(options.source ?? 'stix');
  const objects = topLevelObjects(bundle);
  if (typeof objects === 'string') {
    report.counts.read = 1;
    addReject(report, report.source, safeText(bundle), objects);
    return report;
  }
  report.counts.read = objects.length;

  const byId = new Map<string, StixObject>();
  for (const o of objects) if (isStixObject(o) && !byId.has(o.id)) byId.set(o.id, o);
  const resolved = new Map<string, Resolved>();
  const edges = new Set<string>();
  const tacticsByShortname = new Map<string, GroupBuilder>();
  const seen = new Set<string>();
  const later: StixObject[] = [];

  const reject = (source: string, value: string, reason: string) => addReject(report, source, value, reason);
  const attempt = (source: string, value: string, fn: () => void, prefix = ''): boolean => {
    try {
      fn();
      return true;
    } catch (e) {
      reject(source, value, `${prefix}${errorReason(e)}`);
      return false;
    }
  };

  // --- markings -> security labels
  const tlpOf = (ref: string): string | undefined => {
    const def = byId.get(ref);
    if (def) {
      const d = def.definition as Record<string, unknown> | undefined;
      if (def.definition_type === 'tlp' && typeof d?.tlp === 'string') return d.tlp.toUpperCase();
      for (const ext of Object.values((def.extensions as Record<string, Record<string, unknown>> | undefined) ?? {})) {
        if (typeof ext?.tlp_2_0 === 'string') return ext.tlp_2_0.toUpperCase();
      }
      const m = typeof def.name === 'string' ? /^TLP:\s*(CLEAR|WHITE|GREEN|AMBER\+STRICT|AMBER|RED)$/i.exec(def.name) : null;
      if (m) return m[1]!.toUpperCase();
    }
    return STIX_TLP_IDS[ref];
  };
  const applyMarkings = (o: StixObject, item: GroupBuilder | IndicatorBuilder) => {
    const refs = Array.isArray(o.object_marking_refs) ? o.object_marking_refs : [];
    for (const ref of refs) {
      if (typeof ref !== 'string') continue;
      const tlp = tlpOf(ref);
      if (tlp && TLP_COLORS[tlp]) {
        attempt(o.id, ref, () => item.securityLabel(`TLP:${tlp}`, `Traffic Light Protocol: ${tlp}`, TLP_COLORS[tlp]));
      } else if (!byId.has(ref)) {
        reject(o.id, ref, 'unknown marking definition (not in the bundle and not a STIX TLP marking); no security label');
      }
      // other marking definitions in the bundle (statements) are not security labels
    }
  };

  const setField = (o: StixObject, item: GroupBuilder | IndicatorBuilder, field: string, value: unknown) => {
    if (value === undefined || value === null) return;
    const fields = item.kind === 'group' ? groupTypes[item.type as GroupTypeName].fields : indicatorTypes[item.type as IndicatorTypeName].fields;
    if (!(field in fields)) return;
    if (item.toJSON()[field] !== undefined) return; // first writer wins (an indicator seen twice)
    if (typeof value === 'object' || typeof value === 'function' || typeof value === 'symbol') {
      reject(o.id, Object.prototype.toString.call(value), `${field}: a STIX ${field === 'size' ? 'size is a number' : 'timestamp is a string'}`);
      return;
    }
    attempt(o.id, safeText(value), () => item.addKeyValue(field, value), `${field}: `);
  };

  // --- indicators
  const addIndicator = (spec: IndicatorSpec, source: string): IndicatorBuilder | undefined => {
    const method = indicatorTypes[spec.type].method;
    const create = (batch as unknown as Record<string, (o: Record<string, string>) => IndicatorBuilder>)[method]!;
    const before = batch.counts.indicators;
    try {
      const ind = create.call(batch, { ...spec.values });
      if (batch.counts.indicators > before) report.counts.indicators++;
      return ind;
    } catch (e) {
      reject(source, summaryOf(spec), `${spec.type}: ${errorReason(e)}`);
      return undefined;
    }
  };
  const fromObservables = (obs: PatternObservable[], source: string): IndicatorBuilder[] => {
    const out: IndicatorBuilder[] = [];
    for (const ob of obs) {
      const spec = indicatorSpec(ob);
      if (typeof spec === 'string') {
        reject(source, ob.text, spec);
        continue;
      }
      const ind = addIndicator(spec, source);
      if (ind && !out.includes(ind)) out.push(ind);
    }
    return out;
  };
  const fromSco = (sco: Record<string, unknown>, source: string): IndicatorBuilder[] | string => {
    const obs = scoObservables(sco);
    if (typeof obs === 'string') return obs;
    const inds = fromObservables(obs, source);
    if (sco.type === 'file' && inds[0] instanceof FileBuilder) {
      const file = inds[0];
      if (typeof sco.name === 'string' && sco.name !== '') attempt(source, sco.name, () => file.occurrence(sco.name as string), 'fileOccurrence: ');
      if (typeof sco.size === 'number') setField(sco as StixObject, file, 'size', sco.size);
    }
    return inds;
  };

  // --- pass 1: groups, indicators, SCOs
  for (const raw of objects) {
    if (!isStixObject(raw)) {
      reject(report.source, safeText(raw), 'not a STIX object (needs string type and id)');
      continue;
    }
    const o = raw;
    if (seen.has(o.id)) {
      addSkip(report, o.id, 'duplicate id: an earlier object in the bundle has the same id (the first one is imported)');
      continue;
    }
    seen.add(o.id);
    if (o.revoked === true && !options.includeRevoked) {
      exclude(o, 'revoked');
      continue;
    }
    if (o.x_mitre_deprecated === true && !options.includeDeprecated) {
      exclude(o, 'deprecated (x_mitre_deprecated)');
      continue;
    }
    const groupType = STIX_GROUP_TYPES[o.type];
    if (groupType) {
      const g = addGroup(o, groupType);
      if (g) resolved.set(o.id, { kind: 'groups', items: [g] });
      else resolved.set(o.id, { kind: 'excluded', reason: 'rejected' });
      continue;
    }
    if (o.type === 'indicator') {
      resolved.set(o.id, { kind: 'indicators', items: indicatorObject(o) });
      continue;
    }
    if (SCO_TYPES.has(o.type)) {
      const inds = fromSco(o, o.id);
      if (typeof inds === 'string') exclude(o, inds);
      else resolved.set(o.id, { kind: 'indicators', items: inds });
      continue;
    }
    if (o.type === 'observed-data' || o.type === 'relationship') {
      later.push(o); // pass 2: observed-data after the 2.1 SCOs it refers to, relationships after everything
      continue;
    }
    exclude(o, `${o.type} is not a ThreatConnect item${o.type === 'marking-definition' ? ' (TLP markings become security labels)' : ''}`);
  }

  // --- pass 2a: observed-data -> the indicators of its SCOs (2.0 embedded, 2.1 object_refs)
  for (const o of later) {
    if (o.type !== 'observed-data') continue;
    const items: IndicatorBuilder[] = [];
    const embedded = o.objects && typeof o.objects === 'object' ? Object.entries(o.objects as Record<string, Record<string, unknown>>) : [];
    for (const [key, sco] of embedded) {
      const inds = fromSco(sco, `${o.id}/objects/${key}`);
      if (typeof inds === 'string') addSkip(report, `${o.id}/objects/${key}`, inds);
      else items.push(...inds);
    }
    for (const ref of Array.isArray(o.object_refs) ? (o.object_refs as string[]) : []) {
      const r = resolved.get(ref);
      if (r?.kind === 'indicators') items.push(...r.items);
    }
    for (const ind of items) {
      setField(o, ind, 'firstSeen', o.first_observed);
      setField(o, ind, 'lastSeen', o.last_observed);
    }
    if (items.length === 0) exclude(o, 'observed-data without an object that maps to a ThreatConnect indicator');
    else resolved.set(o.id, { kind: 'indicators', items: [...new Set(items)] });
  }

  // --- pass 2b: relationships, report object_refs, ATT&CK kill chain phases
  for (const o of later) {
    if (o.type !== 'relationship') continue;
    const src = typeof o.source_ref === 'string' ? o.source_ref : '';
    const dst = typeof o.target_ref === 'string' ? o.target_ref : '';
    const shown = (v: unknown): string => (v === undefined ? '' : safeText(v));
    const value = `${shown(o.source_ref)} ${shown(o.relationship_type)} ${shown(o.target_ref)}`;
    const a = resolveRef(src);
    const b = resolveRef(dst);
    if (!a || !b) {
      const [field, ref] = !a ? ['source_ref', src] : ['target_ref', dst];
      reject(o.id, value, ref === '' ? `a relationship's ${field} is a STIX id (a string)` : `${field} ${ref} is not in the bundle`);
      continue;
    }
    if (a.kind === 'excluded' || b.kind === 'excluded') {
      const [ref, r] = a.kind === 'excluded' ? [src, a] : [dst, b as Extract<Resolved, { kind: 'excluded' }>];
      addSkip(report, o.id, `${ref === src ? 'source' : 'target'} ${ref} was not imported (${r.reason})`);
      continue;
    }
    if (a.items.length === 0 || b.items.length === 0) {
      addSkip(report, o.id, `${a.items.length === 0 ? 'source' : 'target'} ${a.items.length === 0 ? src : dst} gave no ThreatConnect item (see rejects)`);
      continue;
    }
    const before = report.counts.associations;
    const rejectedBefore = report.counts.rejected;
    for (const x of a.items) for (const y of b.items) link(o.id, value, x, y);
    if (report.counts.associations === before && report.counts.rejected === rejectedBefore) addSkip(report, o.id, 'duplicate: every association it makes is already in the batch');
  }
  for (const o of byId.values()) {
    const r = resolved.get(o.id);
    if (r?.kind !== 'groups') continue;
    if (o.type === 'report' && Array.isArray(o.object_refs)) {
      // refs to relationships and to objects that were not imported are accounted for on their own
      for (const ref of o.object_refs as unknown[]) {
        const t = typeof ref === 'string' ? resolved.get(ref) : undefined;
        if (t && t.kind !== 'excluded') for (const item of t.items) link(o.id, `${o.id} object_refs ${safeText(ref)}`, r.items[0]!, item);
      }
    }
    if (o.type === 'attack-pattern' && Array.isArray(o.kill_chain_phases)) {
      for (const phase of o.kill_chain_phases as Array<Record<string, unknown>>) {
        const tactic = typeof phase?.phase_name === 'string' && ATTACK_SOURCES.has(safeText(phase.kill_chain_name)) ? tacticsByShortname.get(phase.phase_name) : undefined;
        if (tactic) link(o.id, `${o.id} kill_chain_phases ${safeText(phase.phase_name)}`, r.items[0]!, tactic);
      }
    }
  }
  return report;

  // --- helpers (hoisted; they close over the state above)

  function exclude(o: StixObject, reason: string): void {
    resolved.set(o.id, { kind: 'excluded', reason });
    addSkip(report, o.id, reason);
  }

  function resolveRef(ref: string): Resolved | undefined {
    const r = resolved.get(ref);
    if (r) return r;
    const o = byId.get(ref);
    if (!o) return undefined;
    return { kind: 'excluded', reason: `${o.type} is not a ThreatConnect item` };
  }

  function addGroup(o: StixObject, type: GroupTypeName): GroupBuilder | undefined {
    const name = typeof o.name === 'string' ? o.name : undefined;
    if (name === undefined || name.trim() === '') {
      reject(o.id, '', `${o.type} without a name`);
      return undefined;
    }
    const before = batch.counts.groups;
    let g: GroupBuilder;
    try {
      g = batch.group(type, groupName(name), o.id);
    } catch (e) {
      reject(o.id, name, `${type}: ${errorReason(e)}`);
      return undefined;
    }
    if (batch.counts.groups > before) report.counts.groups++;
    if (isCut(name)) attempt(o.id, name.slice(0, 200), () => g.attribute('Description', name), 'Description attribute: ');
    if (typeof o.description === 'string' && o.description.trim() !== '') {
      attempt(o.id, o.description.slice(0, 200), () => g.attribute('Description', o.description as string, true), 'Description attribute: ');
    }
    for (const ref of Array.isArray(o.external_references) ? (o.external_references as Array<Record<string, unknown>>) : []) {
      if (ATTACK_SOURCES.has(safeText(ref?.source_name)) && typeof ref.external_id === 'string') {
        const tag = `${ref.external_id} - ${name}`;
        attempt(o.id, tag, () => g.tag(tag));
      }
    }
    setField(o, g, 'firstSeen', o.first_seen);
    setField(o, g, 'lastSeen', o.last_seen);
    setField(o, g, 'publishDate', o.published);
    setField(o, g, 'externalDateAdded', o.created);
    setField(o, g, 'externalLastModified', o.modified);
    applyMarkings(o, g);
    if (o.type === 'x-mitre-tactic' && typeof o.x_mitre_shortname === 'string') tacticsByShortname.set(o.x_mitre_shortname, g);
    return g;
  }

  function indicatorObject(o: StixObject): IndicatorBuilder[] {
    const pattern = typeof o.pattern === 'string' ? o.pattern : undefined;
    const patternType = typeof o.pattern_type === 'string' ? o.pattern_type : 'stix';
    if (pattern === undefined) {
      reject(o.id, '', 'indicator without a pattern');
      return [];
    }
    if (patternType !== 'stix') {
      reject(o.id, pattern, `pattern_type ${patternType} is not supported (only stix)`);
      return [];
    }
    let observables: PatternObservable[];
    try {
      const extracted = extractObservables(parsePattern(pattern));
      for (const u of extracted.unsupported) reject(o.id, pattern, `unsupported STIX pattern: ${u.reason} in ${u.text}`);
      observables = extracted.observables;
    } catch (e) {
      reject(o.id, pattern, errorReason(e));
      return [];
    }
    const inds = fromObservables(observables, o.id);
    for (const ind of inds) {
      const text = str(o.description) ?? str(o.name);
      if (text) attempt(o.id, text.slice(0, 200), () => ind.attribute('Description', text, true), 'Description attribute: ');
      if (typeof o.confidence === 'number' && ind.toJSON().confidence === undefined) attempt(o.id, safeText(o.confidence), () => ind.addKeyValue('confidence', o.confidence), 'confidence: ');
      setField(o, ind, 'externalDateAdded', o.created);
      setField(o, ind, 'externalLastModified', o.modified);
      setField(o, ind, 'externalDateExpires', o.valid_until);
      applyMarkings(o, ind);
    }
    return inds;
  }

  /** One TC association between two batch items (either order); counts it when new. */
  function link(source: string, value: string, x: GroupBuilder | IndicatorBuilder, y: GroupBuilder | IndicatorBuilder): void {
    if (x === y) return;
    const key = [x.xid, y.xid].sort().join('|');
    if (edges.has(key)) return;
    if (x.kind === 'group' && y.kind === 'group') {
      attempt(source, value, () => x.association(y));
    } else if (x.kind === 'indicator' && y.kind === 'group') {
      attempt(source, value, () => x.association(y));
    } else if (x.kind === 'group' && y.kind === 'indicator') {
      attempt(source, value, () => y.association(x));
    } else {
      const t1 = x.type as IndicatorTypeName;
      const t2 = y.type as IndicatorTypeName;
      const found = INDICATOR_LINKS.find(([p, q]) => (p === t1 && q === t2) || (p === t2 && q === t1));
      if (!found) {
        reject(source, value, `no built-in ThreatConnect association type between ${t1} and ${t2}`);
        return;
      }
      const ok = attempt(source, value, () =>
        batch.association({ ref_1: (x as IndicatorBuilder).summary, type_1: t1, ref_2: (y as IndicatorBuilder).summary, type_2: t2, associationType: found[2] }),
      );
      if (!ok) return;
    }
    edges.add(key);
    report.counts.associations++;
  }
}

function isStixObject(o: unknown): o is StixObject {
  return typeof o === 'object' && o !== null && typeof (o as StixObject).type === 'string' && typeof (o as StixObject).id === 'string';
}

function topLevelObjects(input: unknown): unknown[] | string {
  if (Array.isArray(input)) return input;
  if (typeof input !== 'object' || input === null) return 'not a STIX bundle or object';
  const o = input as Record<string, unknown>;
  if (o.type === 'bundle') return Array.isArray(o.objects) ? o.objects : 'a STIX bundle needs an objects array';
  if (isStixObject(o)) return [o];
  return 'not a STIX bundle or object';
}
