/**
 * ClamAV signature databases (`tcbatch convert --from clamav`): one ThreatConnect Signature
 * (fileType `ClamAV`) per signature line; hash databases also give File indicators.
 *
 * | database | line | ThreatConnect |
 * | --- | --- | --- |
 * | `.hdb` (MD5), `.hsb` (SHA1/SHA256) | `hash:size:name` | Signature + File (the hash, `size` when not `*`), associated |
 * | `.ndb` (extended) | `name:target:offset:hex[:min:max]` | Signature |
 * | `.ldb` (logical) | `name;target description;logic;subsig...` | Signature |
 *
 * The Signature name is the ClamAV name (long names cut to 100 with `…`, the full name in a
 * Description attribute), `fileName` `<name>.<ext>`, `fileText` the line. The xid is
 * `sha256("Signature-ClamAV-<file>-<name>")` (plus the line when a name repeats). `#` lines that
 * hold a signature are skipped as commented out; other `#` lines and blank lines are ignored.
 * A hash already in the batch counts in `duplicates` and gets the new Signature's association.
 */
import type { Batch } from '../batch/batch.js';
import { defaultXid } from '../model/xid.js';
import { addReject, addSkip, errorReason } from './report.js';
import { addToBatch, createIndicatorReport, normalizeHash, type IndicatorImportReport } from './normalize.js';
import { groupName, isCut } from './rules.js';

/** The kinds of ClamAV database this importer reads. */
export type ClamavKind = 'hdb' | 'hsb' | 'ndb' | 'ldb';

/** Options of {@link importClamav}. */
export interface ClamavImportOptions {
  /** Name of the input (its base name), used in report entries and xids. */
  source?: string;
  /** The database kind; default from the source's extension, else from the first signature line. */
  kind?: ClamavKind;
}

/** The database kind of a signature line: `;` separated is logical, `hash:size:name` a hash db, else extended. */
export function clamavKind(line: string): ClamavKind {
  if (/^[^;:]+;[^;]*Target:/.test(line) || line.split(';').length >= 4) return 'ldb';
  if (/^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}):(?:\d+|\*):/i.test(line)) return /^[0-9a-f]{32}:/i.test(line) ? 'hdb' : 'hsb';
  return 'ndb';
}

interface ClamavSig {
  name: string;
  hash?: string;
  size?: number;
}

/** The name (and for hash databases the hash and size) of one signature line, or why it is not one. */
export function parseClamavLine(line: string, kind: ClamavKind): ClamavSig | { error: string } {
  if (kind === 'ldb') {
    const parts = line.split(';');
    return parts.length >= 4 && parts[0] ? { name: parts[0] } : { error: 'a logical signature is name;target;logic;subsig...' };
  }
  const parts = line.split(':');
  if (kind === 'ndb') return parts.length >= 4 && parts[0] && /^[0-9a-f?*{}()|\-[\]!\s,]+$/i.test(parts[3]!) ? { name: parts[0] } : { error: 'an extended signature is name:target:offset:hexsig' };
  const [hash = '', size = '', ...name] = parts;
  const h = normalizeHash(hash);
  if (!h || !/^(?:\d+|\*)$/.test(size) || name.join(':') === '') return { error: 'a hash signature is hash:size:name' };
  return { name: name.join(':'), hash: h.value, ...(size !== '*' ? { size: Number(size) } : {}) };
}

/**
 * Import a ClamAV database.
 * @param text the database content
 * @returns the report: `counts.read` = signature lines + commented-out signatures + lines that
 *   are not signatures (rejected)
 */
export function importClamav(text: string, batch: Batch, options: ClamavImportOptions = {}): IndicatorImportReport {
  const source = options.source ?? 'clamav';
  const report = createIndicatorReport(source);
  const ext = /\.(hdb|hsb|ndb|ldb)$/i.exec(source)?.[1]?.toLowerCase() as ClamavKind | undefined;
  const lines = text.split(/\r?\n/);
  const first = lines.find((l) => l.trim() !== '' && !l.startsWith('#'));
  const kind = options.kind ?? ext ?? clamavKind(first ?? '');
  const names = new Set<string>();
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const where = `${source}:${i + 1}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const body = line.replace(/^#+\s*/, '');
      if (!('error' in parseClamavLine(body, kind))) {
        report.counts.read++;
        addSkip(report, where, 'commented-out signature');
      } else report.ignored.comment++;
      return;
    }
    report.counts.read++;
    const sig = parseClamavLine(line, kind);
    if ('error' in sig) {
      addReject(report, where, line, sig.error);
      return;
    }
    const key = names.has(sig.name) ? `${sig.name}:line:${i + 1}` : sig.name;
    const suffix = names.has(sig.name) ? ` (line ${i + 1})` : '';
    names.add(sig.name);
    const before = batch.counts.groups;
    try {
      const g = batch.signature({ name: groupName(sig.name, suffix), fileName: `${sig.name.replace(/[^A-Za-z0-9_.{}-]+/g, '_').slice(0, 120)}.${kind}`, fileType: 'ClamAV', fileText: line, xid: defaultXid('Signature', `ClamAV-${source}-${key}`) });
      if (isCut(sig.name)) g.attribute('Description', sig.name);
      if (batch.counts.groups > before) {
        report.counts.groups++;
        report.byType.Signature = (report.byType.Signature ?? 0) + 1;
      } else report.duplicates++;
      if (sig.hash) {
        const file = addToBatch(batch, report, where, { type: 'File', value: sig.hash, hash: normalizeHash(sig.hash)!.kind }, { groups: [g] });
        if (file && sig.size !== undefined && (file as unknown as { size?: number }).size === undefined) file.addKeyValue('size', sig.size);
      }
    } catch (err) {
      addReject(report, where, sig.name, errorReason(err));
    }
  });
  return report;
}
