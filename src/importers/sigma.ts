/**
 * Sigma rules (`tcbatch convert --from sigma`): one ThreatConnect Signature (fileType `Sigma`) per
 * rule document of a YAML file (parsed with `yaml`; several documents split by `---`).
 *
 * The name is the rule's `title` (long titles cut to 100 with `…`, the full title in a
 * Description attribute), `fileName` `<id>.yml` (or `<title>.yml`), `fileText` the document as
 * written; `description` becomes a Description attribute, `tags` (`attack.t1059`) TC tags,
 * `author` an attribute kept as the licence asks. The xid is the rule's `id` (a UUID), else
 * `sha256("Signature-Sigma-<file>-<title>")`. A document without `title` or `detection` is rejected.
 */
import { parseAllDocuments } from 'yaml';
import type { Batch } from '../batch/batch.js';
import { defaultXid } from '../model/xid.js';
import { addReject, errorReason } from './report.js';
import { createIndicatorReport, type IndicatorImportReport } from './normalize.js';
import { groupName, isCut } from './rules.js';

/** Options of {@link importSigma}. */
export interface SigmaImportOptions {
  /** Name of the input (its base name), in report entries and xids. */
  source?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/**
 * Import a Sigma rule file.
 * @returns the report: `counts.read` is the number of YAML documents
 */
export function importSigma(text: string, batch: Batch, options: SigmaImportOptions = {}): IndicatorImportReport {
  const source = options.source ?? 'sigma';
  const report = createIndicatorReport(source);
  for (const doc of parseAllDocuments(text)) {
    if (!('contents' in doc) || doc.contents === null) continue;
    report.counts.read++;
    const line = text.slice(0, doc.range[0]).split('\n').length;
    const where = `${source}:${line}`;
    const docText = text.slice(doc.range[0], doc.range[1]).trim();
    if (doc.errors.length > 0) {
      addReject(report, where, docText.slice(0, 200), `invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
      continue;
    }
    let rule: unknown;
    try {
      rule = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      addReject(report, where, docText.slice(0, 200), `invalid YAML: ${err instanceof Error ? err.message : 'unreadable'}`);
      continue;
    }
    const r = rule !== null && typeof rule === 'object' && !Array.isArray(rule) ? (rule as Record<string, unknown>) : {};
    const title = str(r.title);
    if (!title || r.detection === undefined) {
      addReject(report, where, docText.slice(0, 200), 'a Sigma rule needs a title and a detection');
      continue;
    }
    const id = str(r.id);
    const before = batch.counts.groups;
    try {
      const sig = batch.signature({ name: groupName(title), fileName: `${(id ?? title).replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 100)}.yml`, fileType: 'Sigma', fileText: docText, xid: id ?? defaultXid('Signature', `Sigma-${source}-${title}`) });
      if (batch.counts.groups > before) {
        report.counts.groups++;
        report.byType.Signature = (report.byType.Signature ?? 0) + 1;
      } else report.duplicates++;
      const guard = (value: string, f: () => void): void => {
        try {
          f();
        } catch (err) {
          addReject(report, where, value, errorReason(err));
        }
      };
      if (isCut(title)) guard(title, () => sig.attribute('Description', title));
      const description = str(r.description);
      if (description) guard(description, () => sig.attribute('Description', description));
      const author = str(r.author);
      if (author) guard(author, () => sig.attribute('Source', `Sigma rule by ${author}`));
      for (const tag of Array.isArray(r.tags) ? r.tags : []) if (str(tag)) guard(String(tag), () => sig.tag(String(tag)));
    } catch (err) {
      addReject(report, where, title, errorReason(err));
    }
  }
  return report;
}
