/**
 * E-mail messages (`.eml`, RFC 822/5322 with MIME; `tcbatch convert --from eml`), parsed with
 * `postal-mime`: one ThreatConnect Email group per message and the indicators in it, each
 * associated with the Email.
 *
 * | message | ThreatConnect |
 * | --- | --- |
 * | the message | Email group: name and `subject` from Subject (`(no subject)` when empty), `header` the raw header block, `body` the text part (else the HTML), `from`, `to`; xid `sha256("Email-<Message-ID>")` (else of the whole message) |
 * | From, To, Cc, Reply-To, Sender addresses (the one in `<>`, not a display name that looks like one) | EmailAddress |
 * | Subject | Email Subject |
 * | `User-Agent`, `X-Mailer` | User Agent |
 * | each attachment | File with its MD5, SHA1 and SHA256, the file name as an occurrence |
 *
 * `counts.read` counts the message plus each address, subject, mailer and attachment read.
 */
import { createHash } from 'node:crypto';
import PostalMime, { type Address, type Email } from 'postal-mime';
import type { Batch } from '../batch/batch.js';
import type { GroupBuilder } from '../model/builder.js';
import { defaultXid } from '../model/xid.js';
import { addReject, errorReason } from './report.js';
import { addToBatch, createIndicatorReport, normalizeEmail, type IndicatorImportReport } from './normalize.js';
import { groupName, isCut } from './rules.js';

/** Options of {@link importEml}. */
export interface EmlImportOptions {
  /** Name of the input (its base name), in report entries. */
  source?: string;
}

/** Mailbox addresses of an address list, groups flattened. */
function mailboxes(list: Address[] | Address | undefined): string[] {
  const out: string[] = [];
  for (const a of Array.isArray(list) ? list : list ? [list] : []) {
    if ('group' in a && Array.isArray(a.group)) out.push(...mailboxes(a.group));
    else if (typeof (a as { address?: unknown }).address === 'string' && (a as { address: string }).address !== '') out.push((a as { address: string }).address);
  }
  return out;
}

const hex = (algo: string, data: Uint8Array): string => createHash(algo).update(data).digest('hex');

/**
 * Import one message.
 * @param raw the message as bytes or text
 */
export async function importEml(raw: string | Uint8Array, batch: Batch, options: EmlImportOptions = {}): Promise<IndicatorImportReport> {
  const source = options.source ?? 'eml';
  const report = createIndicatorReport(source);
  const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('latin1');
  const email: Email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  const headerEnd = text.search(/\r?\n\r?\n/);
  const header = headerEnd < 0 ? text : text.slice(0, headerEnd);
  report.counts.read++;
  const subject = (email.subject ?? '').trim();
  const name = subject === '' ? '(no subject)' : subject;
  const to = mailboxes(email.to);
  const from = mailboxes(email.from);
  const before = batch.counts.groups;
  let group: GroupBuilder;
  try {
    group = batch.email({
      name: groupName(name),
      subject: subject || name,
      header,
      body: email.text ?? email.html ?? '',
      ...(from[0] ? { from: from[0] } : {}),
      ...(to.length > 0 ? { to: to.join(', ') } : {}),
      xid: defaultXid('Email', email.messageId ?? createHash('sha256').update(text).digest('hex')),
    });
    if (isCut(name)) group.attribute('Description', name);
  } catch (err) {
    addReject(report, source, name, errorReason(err));
    return report;
  }
  if (batch.counts.groups > before) {
    report.counts.groups++;
    report.byType.Email = 1;
  } else report.duplicates++;
  const groups = [group];
  const seen = new Set<string>();
  const lists: Array<[string, string[]]> = [
    ['From', from],
    ['Sender', mailboxes(email.sender)],
    ['To', to],
    ['Cc', mailboxes(email.cc)],
    ['Reply-To', mailboxes(email.replyTo)],
  ];
  for (const [field, addresses] of lists) {
    for (const a of addresses) {
      const value = normalizeEmail(a);
      if (value && seen.has(value)) continue;
      report.counts.read++;
      if (!value) {
        addReject(report, `${source}#${field}`, a, 'not an email address');
        continue;
      }
      seen.add(value);
      addToBatch(batch, report, `${source}#${field}`, { type: 'EmailAddress', value }, { groups });
    }
  }
  if (subject !== '') {
    report.counts.read++;
    addToBatch(batch, report, `${source}#Subject`, { type: 'Email Subject', value: subject }, { groups });
  }
  for (const h of email.headers) {
    if (h.key !== 'user-agent' && h.key !== 'x-mailer') continue;
    report.counts.read++;
    addToBatch(batch, report, `${source}#${h.key === 'user-agent' ? 'User-Agent' : 'X-Mailer'}`, { type: 'User Agent', value: h.value.trim() }, { groups });
  }
  email.attachments.forEach((att, i) => {
    report.counts.read++;
    const data = typeof att.content === 'string' ? Buffer.from(att.content) : new Uint8Array(att.content);
    const where = `${source}#attachment/${i + 1}`;
    const file = addToBatch(batch, report, where, { type: 'File', hashes: { md5: hex('md5', data), sha1: hex('sha1', data), sha256: hex('sha256', data) } }, { groups, ...(att.filename ? { fileName: att.filename } : {}) });
    if (file && (file as unknown as { size?: number }).size === undefined) file.addKeyValue('size', data.byteLength);
  });
  return report;
}
