/**
 * Value normalisation and indicator detection shared by the MISP, CSV/TXT and rule importers.
 *
 * The batch builders validate but never rewrite values, so everything that turns a feed's text
 * into a ThreatConnect value happens here, explicitly: refanging (`[.]`, `(.)`, `hxxp`, `[:]`),
 * trimming, IDN hosts to punycode (`node:url` `domainToASCII`), lower-case hosts and URL hosts,
 * IPv4 without leading zeros and IPv6 in RFC 5952 form (`ipaddr.js`), CIDR blocks in TC's form,
 * lower-case hashes (so the same file in two cases is one indicator), `AS123` → `ASN123`.
 * Normalisation is expected and not reported; values that cannot be normalised are returned as a
 * rejection reason for the importer's report.
 */
import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import type { Batch } from '../batch/batch.js';
import type { IndicatorBuilder, GroupBuilder } from '../model/builder.js';
import { indicatorTypes, type IndicatorTypeName } from '../../generated/catalog.js';
import { addReject, createReport, errorReason, type ImportReport } from './report.js';

/** ThreatConnect indicator types the importers detect in free values. */
export type DetectedType = Extract<IndicatorTypeName, 'Address' | 'Host' | 'URL' | 'EmailAddress' | 'File' | 'CIDR' | 'ASN' | 'Registry Key' | 'User Agent' | 'Email Subject'>;

/** A value recognised as an indicator, already normalised. */
export interface DetectedIndicator {
  /** ThreatConnect indicator type. */
  type: DetectedType;
  /** The normalised value (for File: the one hash; see {@link DetectedIndicator.hash}). */
  value: string;
  /** For File: which hash slot the value fills. */
  hash?: HashKind;
  /** A port that was part of the input (`ip:port`, `host:port`); not part of any TC value. */
  port?: number;
}

/** Result of {@link detectIndicator}: the indicator, or why the value is not one. */
export type Detection = DetectedIndicator | { error: string };

/** Hints for {@link detectIndicator}. */
export interface DetectOptions {
  /** The value comes from an ASN column: bare numbers are AS numbers (`ASN` + digits). */
  asn?: boolean;
  /** Scheme put in front of `host/path` values that have none (default `http`). */
  defaultScheme?: string;
}

/** A File hash slot (`md5`, `sha1`, `sha256`: the value args of the catalogue's File type). */
export type HashKind = (typeof indicatorTypes.File.values)[number]['arg'];

/** File hash slots by their fixed length (32, 40, 64), from the catalogue. */
const HASH_LENGTHS: ReadonlyMap<number, HashKind> = new Map(indicatorTypes.File.values.map((v) => [v.length, v.arg]));

/**
 * Value slots the importers fill when a feed gives only the first value (ThreatConnect needs all
 * three of a Registry Key: `' '` is its "no value name", `REG_NONE` its "no value type"; ThreatConnect
 * REST API: indicator types).
 */
const FILLED_SLOTS: Partial<Record<DetectedType, readonly string[]>> = { 'Registry Key': [' ', 'REG_NONE'] };

/**
 * Undo common defanging: `[.]`, `(.)`, `{.}`, `[dot]`, `[:]`, `[://]`, `[@]`, `[at]`, `hxxp(s)`,
 * `fxp` → `ftp`. Case-insensitive; the rest of the text is unchanged.
 */
export function refang(text: string): string {
  return text
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi, '.')
    .replace(/\[:\/\/\]/g, '://')
    .replace(/\[:\]/g, ':')
    .replace(/\[@\]|\[at\]|\(at\)/gi, '@')
    .replace(/\bhxxp(s?)(?=:|\[:\]|:\/\/)/gi, (_m, s: string) => `http${s.toLowerCase()}`)
    .replace(/\bhxxp(s?):/gi, (_m, s: string) => `http${s.toLowerCase()}:`)
    .replace(/\bfxp:/gi, 'ftp:');
}

/** True when {@link refang} would change `text` (the value was written defanged). */
export function isDefanged(text: string): boolean {
  return refang(text) !== text;
}

/** A hash lower-cased and trimmed, with its kind, or `undefined` when it is not 32, 40 or 64 hex digits. */
export function normalizeHash(text: string): { kind: HashKind; value: string } | undefined {
  const v = text.trim();
  if (!/^[0-9a-fA-F]+$/.test(v)) return undefined;
  const kind = HASH_LENGTHS.get(v.length);
  return kind ? { kind, value: v.toLowerCase() } : undefined;
}

/**
 * A host name as TC wants it: trimmed, trailing dot removed, IDN labels to punycode and lower
 * case (WHATWG `domainToASCII`). Returns `undefined` when the name cannot be converted (invalid
 * IDN); other rule breaks (underscores, bad TLDs) are left for the Host validator to report.
 */
export function normalizeHost(text: string): string | undefined {
  const v = text.trim().replace(/\.$/, '');
  if (v === '') return undefined;
  // domainToASCII lower-cases and punycodes; it returns '' for names it cannot convert.
  const ascii = domainToASCII(v);
  return ascii === '' ? undefined : ascii;
}

/**
 * An IP address: IPv4 as four decimal parts without leading zeros (`010.1.1.1` → `10.1.1.1`),
 * IPv6 in RFC 5952 form (lower case, `::`). `undefined` when it is not an address.
 */
export function normalizeIp(text: string): string | undefined {
  let v = text.trim();
  if (v.startsWith('[') && v.endsWith(']')) v = v.slice(1, -1);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v)) {
    const parts = v.split('.').map((p) => parseInt(p, 10));
    return parts.every((p) => p <= 255) ? parts.join('.') : undefined;
  }
  if (v.includes(':') && ipaddr.IPv6.isValid(v)) return ipaddr.IPv6.parse(v).toRFC5952String();
  return undefined;
}

/**
 * A CIDR block in TC's form: IPv4 `a.b.c.d/n`; IPv6 fully expanded in lower case without `::`
 * or leading zeros (`2001:db8:0:0:0:0:0:0/32`). `undefined` when it is not a block.
 */
export function normalizeCidr(text: string): string | undefined {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const ip = normalizeIp(m[1]!);
  if (!ip) return undefined;
  const bits = parseInt(m[2]!, 10);
  if (ip.includes(':')) return bits <= 128 ? `${ipaddr.IPv6.parse(ip).toNormalizedString()}/${bits}` : undefined;
  return bits <= 32 ? `${ip}/${bits}` : undefined;
}

/**
 * A URL with a lower-case scheme and a normalised host (IDN to punycode, lower case, IPv4/IPv6
 * normalised); user info, port, path, query and fragment are kept byte for byte.
 * `undefined` when there is no `scheme://host`.
 */
export function normalizeUrl(text: string): string | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s.exec(text.trim());
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  const authority = m[2]!;
  const rest = m[3]!;
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at + 1) : '';
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  const hp = /^(\[[^\]]+\]|[^:]*)(?::(\d*))?$/.exec(hostPort);
  if (!hp || hp[1] === '') return undefined;
  const rawHost = hp[1]!;
  let host: string | undefined;
  if (rawHost.startsWith('[')) {
    const ip = normalizeIp(rawHost);
    host = ip ? `[${ip}]` : undefined;
  } else {
    host = normalizeIp(rawHost) ?? normalizeHost(rawHost);
  }
  if (!host) return undefined;
  const port = hp[2] !== undefined ? `:${hp[2]}` : '';
  return `${scheme}://${userinfo}${host}${port}${rest}`;
}

/** An email address with a trimmed local part and a normalised (punycode, lower-case) domain. */
export function normalizeEmail(text: string): string | undefined {
  const v = text.trim().replace(/^mailto:/i, '');
  const at = v.lastIndexOf('@');
  if (at <= 0 || at === v.length - 1) return undefined;
  const domain = normalizeHost(v.slice(at + 1));
  return domain ? `${v.slice(0, at)}@${domain}` : undefined;
}

/** `AS123`, `ASN 123`, `as123` (and bare `123` when `bare`) → `ASN123`; else `undefined`. */
export function normalizeAsn(text: string, bare = false): string | undefined {
  const v = text.trim();
  const m = /^AS\s?N?\s?(\d{1,10})$/i.exec(v) ?? (bare ? /^(\d{1,10})$/.exec(v) : null);
  return m ? `ASN${parseInt(m[1]!, 10)}` : undefined;
}

const HIVES: Record<string, string> = {
  HKLM: 'HKEY_LOCAL_MACHINE',
  HKCU: 'HKEY_CURRENT_USER',
  HKCR: 'HKEY_CLASSES_ROOT',
  HKU: 'HKEY_USERS',
  HKCC: 'HKEY_CURRENT_CONFIG',
};

/**
 * A registry key path with its hive spelled out as TC requires (`HKLM\x` → `HKEY_LOCAL_MACHINE\x`,
 * also `HKLM:\x` as PowerShell writes it); the hive is upper-cased, the rest kept.
 */
export function normalizeRegistryKey(text: string): string {
  const v = text.trim();
  const m = /^([A-Za-z_]+):?(\\.*)?$/s.exec(v);
  if (!m) return v;
  const hive = m[1]!.toUpperCase();
  return `${HIVES[hive] ?? hive}${m[2] ?? ''}`;
}

/** A registry key path: a hive (`HKEY_LOCAL_MACHINE`, `HKLM`, `HKLM:`) then `\\` and the key (spaces allowed). */
export const REGISTRY_KEY = /^(?:HKEY_(?:LOCAL_MACHINE|CURRENT_USER|CLASSES_ROOT|USERS|CURRENT_CONFIG)|HKLM|HKCU|HKCR|HKU|HKCC):?\\\S/i;

const looksLikeHost = (v: string): boolean => /^[^\s/\\:@"'<>]+\.[^\s/\\:@"'<>.]+$/.test(v) && /[A-Za-z\u0080-\uFFFF]/.test(v.slice(v.lastIndexOf('.') + 1));

/**
 * Detect the indicator type of one free value and normalise it. The value is refanged and
 * trimmed first. Order: hash, ASN, URL (`scheme://`), email, CIDR, IP (with `ip:port` and
 * `[v6]:port`), `host:port`, `host/path` (a URL with {@link DetectOptions.defaultScheme}), host.
 * @returns the indicator, or `{ error }` with the reason it is not one.
 */
export function detectIndicator(raw: string, options: DetectOptions = {}): Detection {
  const v = refang(raw).trim();
  if (v === '') return { error: 'empty value' };
  const hash = normalizeHash(v);
  if (hash) return { type: 'File', value: hash.value, hash: hash.kind };
  const asn = normalizeAsn(v, options.asn);
  if (asn) return { type: 'ASN', value: asn };
  if (options.asn) return { error: 'not an AS number' };
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(v)) {
    const url = normalizeUrl(v);
    return url ? { type: 'URL', value: url } : { error: 'URL without a valid host' };
  }
  if (/^[^\s@/]+@[^\s@/]+$/.test(v)) {
    const email = normalizeEmail(v);
    return email ? { type: 'EmailAddress', value: email } : { error: 'email address with an invalid domain' };
  }
  if (/^[0-9A-Fa-f:.]+\/\d+$/.test(v)) {
    const cidr = normalizeCidr(v);
    return cidr ? { type: 'CIDR', value: cidr } : { error: 'invalid CIDR block' };
  }
  // `103.29.68.0/22,linode`: a CIDR block with a label, never a URL (a URL needs a scheme or a host name and a path)
  if (/^[0-9A-Fa-f:.]+\/\d{1,3}(?![\d/])/.test(v) && normalizeIp(v.slice(0, v.indexOf('/')))) return { error: 'a CIDR block followed by other text' };
  if (REGISTRY_KEY.test(v)) return { type: 'Registry Key', value: normalizeRegistryKey(v) };
  const ip = normalizeIp(v);
  if (ip) return { type: 'Address', value: ip };
  const ipPort = /^(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/.exec(v);
  if (ipPort) {
    const addr = normalizeIp(ipPort[1]!);
    return addr ? { type: 'Address', value: addr, port: parseInt(ipPort[2]!, 10) } : { error: 'invalid IP address' };
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v)) return { error: 'invalid IPv4 address' };
  const hostPort = /^([^\s/:]+):(\d{1,5})$/.exec(v);
  if (hostPort && looksLikeHost(hostPort[1]!)) {
    const host = normalizeHost(hostPort[1]!);
    return host ? { type: 'Host', value: host, port: parseInt(hostPort[2]!, 10) } : { error: 'invalid host name' };
  }
  if (v.startsWith('/')) return { error: 'URL path without a host' };
  const slash = v.indexOf('/');
  if (slash > 0) {
    const head = v.slice(0, slash);
    const hostOnly = head.replace(/:\d{1,5}$/, '');
    if (looksLikeHost(hostOnly) || normalizeIp(hostOnly)) {
      const url = normalizeUrl(`${options.defaultScheme ?? 'http'}://${v}`);
      return url ? { type: 'URL', value: url } : { error: 'URL without a valid host' };
    }
    return { error: 'not an indicator (path without a host name)' };
  }
  if (looksLikeHost(v)) {
    const host = normalizeHost(v);
    return host ? { type: 'Host', value: host } : { error: 'invalid international host name' };
  }
  if (/^\d+$/.test(v)) return { error: 'bare number (an AS number only in an ASN column)' };
  return { error: 'not a recognised indicator value' };
}

/** An {@link ImportReport} with the counters the indicator importers add. */
export interface IndicatorImportReport extends ImportReport {
  /** New items added to the batch, by ThreatConnect type (`Host`, `File`, `Event`...). */
  byType: Record<string, number>;
  /** Values that were already in the batch (same type and normalised value) and were merged. */
  duplicates: number;
  /** Input lines that carry no record: blank, comment and header lines. */
  ignored: { blank: number; comment: number; header: number };
  /** Input repaired on the way (broken quoting tolerated); the record was imported. */
  warnings: Array<{ source: string; value: string; reason: string }>;
}

/** A fresh {@link IndicatorImportReport} for `source`. */
export function createIndicatorReport(source: string): IndicatorImportReport {
  return { ...createReport(source), byType: {}, duplicates: 0, ignored: { blank: 0, comment: 0, header: 0 }, warnings: [] };
}

/** Options shared by the list importers for every indicator they add. */
export interface AddOptions {
  /** Tags for the indicator (each at most 128 characters; longer ones are rejected). */
  tags?: readonly string[];
  /** A Description attribute. */
  description?: string;
  /** A Source attribute. */
  sourceAttribute?: string;
  /** File occurrence file name (File only). */
  fileName?: string;
  /** File occurrence path (File only). */
  filePath?: string;
  /** Groups (builders or xids) to associate the indicator with. */
  groups?: ReadonlyArray<GroupBuilder | string>;
  /** Rating 0-5 for new indicators. */
  rating?: number;
  /** Confidence 0-100 for new indicators. */
  confidence?: number;
}

/** The File slots of {@link addIndicators}: one hash or several of the same file. */
export type Hashes = Partial<Record<HashKind, string>>;

/**
 * Add one detected indicator (or one File with several hashes) to the batch, with its metadata,
 * and account for it in the report: a new item counts in `counts.indicators` and `byType`, an
 * existing one (same default xid) in `duplicates`; a `ValidationError` becomes a reject line.
 * @returns the builder, or `undefined` when it was rejected.
 */
export function addToBatch(batch: Batch, report: IndicatorImportReport, where: string, indicator: DetectedIndicator | { type: 'File'; hashes: Hashes }, options: AddOptions = {}): IndicatorBuilder | undefined {
  const before = batch.counts.indicators;
  let builder: IndicatorBuilder;
  const display = 'hashes' in indicator ? Object.values(indicator.hashes).join(' : ') : indicator.value;
  try {
    const extra = { rating: options.rating, confidence: options.confidence };
    // Interface 1 by the catalogue: the type's method with its value args (File: the hashes given)
    const info = indicatorTypes[indicator.type];
    let values: Record<string, string>;
    if ('hashes' in indicator) values = { ...indicator.hashes };
    else if (indicator.type === 'File') values = { [indicator.hash!]: indicator.value };
    else {
      const filled = FILLED_SLOTS[indicator.type] ?? [];
      values = Object.fromEntries(info.values.map((slot, i) => [slot.arg, i === 0 ? indicator.value : filled[i - 1]!]));
    }
    const method = (batch as unknown as Record<string, (options: Record<string, unknown>) => IndicatorBuilder>)[info.method]!;
    builder = method.call(batch, { ...values, ...extra });
  } catch (err) {
    addReject(report, where, display, errorReason(err));
    return undefined;
  }
  if ('port' in indicator && indicator.port !== undefined) {
    report.warnings.push({ source: where, value: `${display}:${indicator.port}`, reason: `port ${indicator.port} not kept: a ThreatConnect ${indicator.type} has no port` });
  }
  if (batch.counts.indicators > before) {
    report.counts.indicators++;
    report.byType[builder.type] = (report.byType[builder.type] ?? 0) + 1;
  } else {
    report.duplicates++;
  }
  addMetadata(builder, report, where, options);
  return builder;
}

/**
 * Tags, Description/Source attributes, file occurrence and group associations on an indicator;
 * a metadata value that breaks a rule (a tag over 128 characters) is a reject line, the indicator
 * stays. New associations count in `counts.associations`.
 */
export function addMetadata(builder: IndicatorBuilder, report: ImportReport, where: string, options: AddOptions): void {
  const guard = (value: string, f: () => void): void => {
    try {
      f();
    } catch (err) {
      addReject(report, where, value, errorReason(err));
    }
  };
  for (const tag of options.tags ?? []) guard(tag, () => builder.tag(tag));
  if (options.description) guard(options.description, () => builder.attribute('Description', options.description!));
  if (options.sourceAttribute) guard(options.sourceAttribute, () => builder.attribute('Source', options.sourceAttribute!));
  if ((options.fileName || options.filePath) && builder.type === 'File') {
    const file = builder as unknown as { occurrence(fileName?: string, path?: string): unknown };
    guard(options.fileName ?? options.filePath ?? '', () => file.occurrence(options.fileName, options.filePath));
  }
  for (const group of options.groups ?? []) {
    const xid = typeof group === 'string' ? group : group.xid;
    const had = (builder.toJSON().associatedGroups as Array<{ groupXid: string }> | undefined)?.some((a) => a.groupXid === xid) ?? false;
    guard(xid, () => builder.association(group));
    if (!had) report.counts.associations++;
  }
}

/**
 * Split a `#tag1 #tag2` / `a,b;c` cell into tag names: separators are whitespace, `,` and `;`,
 * a leading `#` is removed, empty names dropped, order kept, duplicates removed.
 */
export function splitTags(cell: string): string[] {
  const out: string[] = [];
  for (const t of cell.split(/[\s,;]+/)) {
    const name = t.replace(/^#+/, '').trim();
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}
