/**
 * OpenIOC 1.0 (`<ioc>`, `<definition>`) and 1.1 (`<OpenIOC>`, `<criteria>`) files
 * (`tcbatch convert --from openioc`), parsed with `fast-xml-parser`: one Signature (fileType
 * `OpenIOC`, `fileText` the whole file, xid the IOC's `id`) per file, named from its
 * `short_description`, plus the indicators its IndicatorItems name, each associated with it.
 *
 * | IndicatorItem `search` (or Content `type`) | ThreatConnect |
 * | --- | --- |
 * | `.../Md5sum`, `.../md5`, `.../Sha1sum`, `.../Sha256sum` (Content `md5`/`sha1`/`sha256`) | File |
 * | `DnsEntryItem/Host`, `DnsEntryItem/RecordName`, `Network/DNS`, `.../HostName` | Host |
 * | `PortItem/remoteIP`, `.../localIP`, `.../IP`, Content `IP` | Address |
 * | `UrlHistoryItem/URL`, `urlMonitorEvent/requestUrl`, `Network/URI` | URL (only a full `scheme://host/...` URL) |
 * | `RegistryItem/Path`, `RegistryItem/KeyPath` | Registry Key |
 * | `Email/From`, `Email/To`, `.../EmailAddress` | EmailAddress |
 * | `.../userAgent`, `Network/UserAgent` | User Agent (condition `is` only) |
 *
 * Items are matched only when their condition is `is` (or `contains` with a value that is a whole
 * host name, hash or address); the rest of the logic stays in the Signature. Every item is
 * accounted for: an indicator (new, or a duplicate merged), skipped with its reason (`negate`, a
 * substring condition, a URL path with no host, a search term that is not an indicator type), or
 * rejected when its value breaks a TC rule.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Batch } from '../batch/batch.js';
import type { GroupBuilder } from '../model/builder.js';
import { TcBatchError } from '../errors.js';
import { defaultXid } from '../model/xid.js';
import { addReject, addSkip, errorReason } from './report.js';
import { addToBatch, createIndicatorReport, detectIndicator, normalizeHash, normalizeRegistryKey, type DetectedIndicator, type IndicatorImportReport } from './normalize.js';
import { groupName, isCut } from './rules.js';

/** Options of {@link importOpenIoc}. */
export interface OpenIocImportOptions {
  /** Name of the input (its base name), in report entries and the Signature's file name. */
  source?: string;
}

/** A file that is not OpenIOC XML. */
export class OpenIocFormatError extends TcBatchError {
  constructor(message: string) {
    super('TCB_OPENIOC_FORMAT', message);
  }
}

type Node = Record<string, unknown>;

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const text = (v: unknown): string => (typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as Node)['#text'] === 'string' ? ((v as Node)['#text'] as string) : '');

/** What an item's search term (and Content type) makes; `undefined` when it is no indicator type. */
function kindOf(search: string, contentType: string): 'hash' | 'host' | 'ip' | 'url' | 'registry' | 'email' | 'ua' | undefined {
  const s = search.toLowerCase();
  const t = contentType.toLowerCase();
  if (/(?:md5|sha1|sha256)(?:sum)?$/.test(s) || ['md5', 'sha1', 'sha256'].includes(t)) return 'hash';
  if (/^dnsentryitem\/(?:host|recordname)$|^network\/dns$|hostname$/.test(s)) return 'host';
  if (/(?:remoteip|localip|\/ip|ipv4address|ipv6address)$/.test(s) || t === 'ip') return 'ip';
  if (/^urlhistoryitem\/url$|requesturl$|^network\/uri$|\/url$/.test(s)) return 'url';
  if (/^registryitem\/(?:path|keypath)$/.test(s)) return 'registry';
  if (/^email\/(?:from|to|cc|replyto)$|emailaddress$/.test(s)) return 'email';
  if (/useragent$/.test(s)) return 'ua';
  return undefined;
}

function toIndicator(kind: NonNullable<ReturnType<typeof kindOf>>, value: string, condition: string): DetectedIndicator | { skip: string } | { error: string } {
  const v = value.trim();
  if (kind === 'ua') return condition === 'is' ? { type: 'User Agent', value: v } : { skip: `a User Agent ${condition} match is a pattern, not a value` };
  if (kind === 'registry') return condition === 'is' ? { type: 'Registry Key', value: normalizeRegistryKey(v) } : { skip: `a registry ${condition} match is a pattern, not a key` };
  if (kind === 'hash') {
    const h = normalizeHash(v);
    return h ? { type: 'File', value: h.value, hash: h.kind } : { error: 'not an MD5, SHA1 or SHA256 hash' };
  }
  const d = detectIndicator(v);
  const want = { host: 'Host', ip: 'Address', url: 'URL', email: 'EmailAddress' }[kind];
  if ('error' in d || d.type !== want) {
    if (kind === 'url') return { skip: 'a URL part with no scheme and host, not a URL' };
    return 'error' in d ? { error: d.error } : { skip: `a ${d.type} value where a ${want} is searched` };
  }
  if (condition !== 'is' && condition !== 'contains') return { skip: `condition ${condition} is a pattern, not a value` };
  return d;
}

/**
 * Import one OpenIOC file.
 * @param xml the file content
 * @throws OpenIocFormatError when the text is not well-formed XML, exceeds the XML parser's limits
 *   (elements nested thousands deep) or has no `ioc`/`OpenIOC` root
 */
export function importOpenIoc(xml: string, batch: Batch, options: OpenIocImportOptions = {}): IndicatorImportReport {
  const source = options.source ?? 'openioc';
  const report = createIndicatorReport(source);
  let doc: Node;
  try {
    const valid = XMLValidator.validate(xml);
    if (valid !== true) throw new OpenIocFormatError(`not well-formed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
    doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, parseTagValue: false, parseAttributeValue: false, processEntities: true }).parse(xml) as Node;
  } catch (err) {
    // the parser's own limits (e.g. "Maximum nested tags exceeded" on thousands of nested elements)
    if (err instanceof OpenIocFormatError) throw err;
    throw new OpenIocFormatError(`not readable OpenIOC XML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const root = (doc.ioc ?? doc.OpenIOC) as Node | undefined;
  if (!root || typeof root !== 'object') throw new OpenIocFormatError('not OpenIOC: no <ioc> (1.0) or <OpenIOC> (1.1) root element');
  const meta = (root.metadata as Node | undefined) ?? root;
  const id = typeof root['@_id'] === 'string' ? root['@_id'] : undefined;
  const title = text(meta.short_description).trim() || id || source;
  report.counts.read++;
  const before = batch.counts.groups;
  let sig: GroupBuilder;
  try {
    sig = batch.signature({ name: groupName(title), fileName: source, fileType: 'OpenIOC', fileText: xml, xid: id ?? defaultXid('Signature', `OpenIOC-${source}`) });
    if (isCut(title)) sig.attribute('Description', title);
    const description = text(meta.description).trim();
    if (description) sig.attribute('Description', description);
  } catch (err) {
    addReject(report, source, title, errorReason(err));
    return report;
  }
  if (batch.counts.groups > before) {
    report.counts.groups++;
    report.byType.Signature = 1;
  } else report.duplicates++;
  // iterative walk: IndicatorItems nest in Indicators to any depth
  const stack: unknown[] = [root.criteria ?? root.definition];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push(node[i]);
      continue;
    }
    const n = node as Node;
    stack.push(...asArray(n.Indicator).reverse());
    for (const item of asArray(n.IndicatorItem)) importItem(item as Node, batch, report, source, sig);
  }
  return report;
}

function importItem(item: Node, batch: Batch, report: IndicatorImportReport, source: string, sig: GroupBuilder): void {
  report.counts.read++;
  const where = `${source}#${typeof item['@_id'] === 'string' ? item['@_id'] : 'IndicatorItem'}`;
  const context = (item.Context ?? {}) as Node;
  const search = typeof context['@_search'] === 'string' ? context['@_search'] : '';
  const content = item.Content;
  const contentType = content && typeof content === 'object' && typeof (content as Node)['@_type'] === 'string' ? ((content as Node)['@_type'] as string) : '';
  const value = text(content);
  const condition = typeof item['@_condition'] === 'string' ? item['@_condition'] : 'is';
  if (item['@_negate'] === 'true') return void addSkip(report, where, `negated item (${search} not ${condition} ${value}): a condition of the Signature, not an indicator`);
  const kind = kindOf(search, contentType);
  if (!kind) return void addSkip(report, where, `${search || 'an item without a search term'} is not a ThreatConnect indicator type: kept in the Signature`);
  const d = toIndicator(kind, value, condition);
  if ('skip' in d) return void addSkip(report, where, `${d.skip} (${search} ${condition} ${value}): kept in the Signature`);
  if ('error' in d) return void addReject(report, where, value, d.error);
  addToBatch(batch, report, where, d, { groups: [sig] });
}
