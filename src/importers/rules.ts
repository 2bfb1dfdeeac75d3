/**
 * Detection rule importers: YARA, Snort and Suricata rule files → one ThreatConnect Signature
 * group per rule (`tcbatch convert --from yara|snort|suricata`).
 *
 * - YARA: rules are found with a small scanner that knows YARA's lexical structure (strings with
 *   escapes, hex strings, regular expressions, `//` and block comments), so braces inside them do
 *   not end a rule. The Signature name is the rule name, `fileName` `<rule>.yar`, `fileText` the
 *   file's `import` lines (so the rule compiles alone) followed by the whole rule text from its
 *   modifiers (`private`, `global`) to its closing brace; rule tags become TC tags.
 * - Snort/Suricata: one rule a line, with `\` line continuations joined; the name is the `msg`
 *   option, `fileName` `<sid>.rules`, `fileText` the rule text (continuations kept as written).
 *   Commented-out rules (`# alert ...`) are skipped and counted; other comment lines are ignored.
 *
 * Names longer than 100 characters are cut to 99 plus `…` (TC's limit), the full name in a
 * Description attribute. Every rule is its own Signature: the xid is
 * `sha256("Signature-<type>-<source>-<rule name or sid>")` (plus the line for a repeated sid), and a
 * repeated name gets ` (sid N, line L)` (YARA: ` (line L)`).
 */
import type { Batch } from '../batch/batch.js';
import type { GroupBuilder } from '../model/builder.js';
import { defaultXid } from '../model/xid.js';
import { addReject, addSkip, errorReason } from './report.js';
import { createIndicatorReport, type IndicatorImportReport } from './normalize.js';

/** A rule language and its ThreatConnect Signature `fileType`. */
export type RuleFormat = 'yara' | 'snort' | 'suricata';

const FILE_TYPE = { yara: 'YARA', snort: 'Snort', suricata: 'Suricata' } as const;

/** One rule found in a rule file. */
export interface ParsedRule {
  /** The rule name (YARA) or `msg` (Snort/Suricata); `undefined` when the rule has no `msg`. */
  name: string | undefined;
  /** The whole rule text as written. */
  text: string;
  /** 1-based line where the rule starts. */
  line: number;
  /** Snort/Suricata `sid`, when present. */
  sid?: string;
  /** YARA rule tags (`rule x : tag1 tag2`), put on the Signature as tags. */
  tags?: string[];
}

/** Options of {@link importRules}. */
export interface RuleImportOptions {
  /** The language; default from the source's extension (`.yar`/`.yara` YARA, else Snort). */
  format?: RuleFormat;
  /** Name of the input, used in report entries and xids (use the file's base name). */
  source?: string;
  /** Prefix the YARA file's `import` lines to each rule's `fileText` (default true). */
  yaraImports?: boolean;
  /** Groups (builders or xids) every Signature is associated with. */
  groups?: ReadonlyArray<GroupBuilder | string>;
  /** Tags on every Signature. */
  tags?: readonly string[];
}

/** Why a YARA file could not be split into rules. */
export interface YaraScanProblem {
  /** 1-based line of the problem. */
  line: number;
  /** What is wrong. */
  reason: string;
  /** The text concerned. */
  value: string;
}

/**
 * Split YARA source into rules.
 * @returns the rules in file order, the file's `import` lines, and text that is not a rule
 *   (an unterminated rule, stray tokens) as problems.
 */
export function parseYara(text: string): { rules: ParsedRule[]; imports: string[]; problems: YaraScanProblem[] } {
  const rules: ParsedRule[] = [];
  const imports: string[] = [];
  const problems: YaraScanProblem[] = [];
  const lineAt = (pos: number): number => {
    let n = 1;
    for (let i = 0; i < pos; i++) if (text.charCodeAt(i) === 10) n++;
    return n;
  };
  let i = 0;
  const len = text.length;
  const header = /((?:(?:private|global)\s+)*)rule\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?::([^{]*))?\{/y;
  while (i < len) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (text.startsWith('//', i)) {
      const e = text.indexOf('\n', i);
      i = e < 0 ? len : e + 1;
      continue;
    }
    if (text.startsWith('/*', i)) {
      const e = text.indexOf('*/', i + 2);
      i = e < 0 ? len : e + 2;
      continue;
    }
    const imp = /(?:import|include)\s+"[^"\n]*"/y;
    imp.lastIndex = i;
    const im = imp.exec(text);
    if (im) {
      imports.push(im[0]);
      i += im[0].length;
      continue;
    }
    header.lastIndex = i;
    const h = header.exec(text);
    if (!h) {
      const e = text.indexOf('\n', i);
      const end = e < 0 ? len : e;
      problems.push({ line: lineAt(i), reason: 'text outside a YARA rule', value: text.slice(i, end).trim() });
      i = end + 1;
      continue;
    }
    const start = i;
    const end = scanBody(text, i + h[0].length);
    if (end < 0) {
      problems.push({ line: lineAt(start), reason: 'YARA rule without its closing brace', value: h[0] });
      break;
    }
    const tags = (h[3] ?? '').trim().split(/\s+/).filter(Boolean);
    rules.push({ name: h[2]!, text: text.slice(start, end), line: lineAt(start), ...(tags.length > 0 ? { tags } : {}) });
    i = end;
  }
  return { rules, imports, problems };
}

/** From just after a rule's `{`, the index after its matching `}`, or -1. */
function scanBody(text: string, from: number): number {
  let depth = 1;
  let prev = '{'; // last significant character, to tell a regex `/` from a division
  let i = from;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
      prev = '"';
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      const e = text.indexOf('\n', i);
      i = e < 0 ? text.length : e;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      i = e < 0 ? text.length : e + 2;
      continue;
    }
    if (c === '/' && (prev === '=' || /matches\s*$/.test(text.slice(Math.max(from, i - 12), i)))) {
      i++;
      while (i < text.length && text[i] !== '/' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
      prev = '/';
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
    if (!/\s/.test(c)) prev = c;
    i++;
  }
  return -1;
}

const SNORT_ACTIONS = /^(?:alert|log|pass|drop|reject|sdrop|activate|dynamic|rewrite)\s/;

/**
 * Split Snort/Suricata rules: one a line, `\` at the end of a line continues it.
 * @returns the rules, commented-out rules (`# alert ...`) and lines that are neither rules nor
 *   comments, each with its 1-based line.
 */
export function parseSnort(text: string): { rules: ParsedRule[]; commented: Array<{ line: number; text: string }>; problems: YaraScanProblem[]; blankOrComment: number } {
  const rules: ParsedRule[] = [];
  const commented: Array<{ line: number; text: string }> = [];
  const problems: YaraScanProblem[] = [];
  let blankOrComment = 0;
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  for (let n = 0; n < lines.length; n++) {
    const start = n;
    let rule = lines[n]!;
    while (/\\\s*$/.test(rule) && n + 1 < lines.length) rule += `\n${lines[++n]!}`;
    const t = rule.trim();
    if (t === '') {
      blankOrComment++;
      continue;
    }
    if (t.startsWith('#')) {
      if (SNORT_ACTIONS.test(t.replace(/^#+\s*/, '') + ' ') && /\(.*msg\s*:/s.test(t)) commented.push({ line: start + 1, text: t });
      else blankOrComment += n - start + 1;
      continue;
    }
    if (!SNORT_ACTIONS.test(t + ' ')) {
      problems.push({ line: start + 1, reason: 'not a Snort/Suricata rule (no action keyword)', value: t });
      continue;
    }
    const msg = /[(;]\s*msg\s*:\s*"((?:[^"\\]|\\.)*)"/s.exec(t);
    const sid = /[(;]\s*sid\s*:\s*(\d+)/.exec(t);
    const gid = /[(;]\s*gid\s*:\s*(\d+)/.exec(t);
    rules.push({
      name: msg ? msg[1]!.replace(/\\(.)/g, '$1') : undefined,
      text: t,
      line: start + 1,
      ...(sid ? { sid: gid && gid[1] !== '1' ? `${gid[1]}:${sid[1]}` : sid[1]! } : {}),
    });
  }
  return { rules, commented, problems, blankOrComment };
}

/**
 * The long-name policy of every importer: a group name within TC's 100 characters. Whitespace
 * runs become one space; a longer name is cut to fit with `…` (and `suffix`, which is never cut,
 * so names made unique by it stay unique). Importers put the full name in a Description
 * attribute ({@link isCut}) and take the xid from the source's id, so cut names never collide.
 */
export function groupName(name: string, suffix = ''): string {
  const t = name.trim().replace(/\s+/g, ' ');
  return t.length + suffix.length <= 100 ? `${t}${suffix}` : `${t.slice(0, 99 - suffix.length)}…${suffix}`;
}

/** True when {@link groupName} cuts `name`. */
export function isCut(name: string): boolean {
  return name.trim().replace(/\s+/g, ' ').length > 100;
}

/**
 * Import a YARA, Snort or Suricata rule file: one Signature group per rule.
 *
 * Report: `counts.read` is the number of rules found plus commented-out rules plus unparseable
 * parts; each rule is a group (`counts.groups`, `byType.Signature`), a reject (no `msg`, invalid
 * name) or, for a commented-out Snort rule, a skip. A rule whose xid is already in the batch
 * (the same file imported twice) counts in `duplicates`.
 * @param text the rule file content
 */
export function importRules(text: string, batch: Batch, options: RuleImportOptions = {}): IndicatorImportReport {
  const source = options.source ?? 'rules';
  const format: RuleFormat = options.format ?? (/\.ya?ra?$/i.test(source) ? 'yara' : 'snort');
  const fileType = FILE_TYPE[format];
  const report = createIndicatorReport(source);
  const base = source.replace(/^.*[\\/]/, '');
  const add = (rule: ParsedRule, key: string, fileName: string, fileText: string, suffix = ''): void => {
    const where = `${source}:${rule.line}`;
    if (!rule.name) {
      addReject(report, where, rule.text, `a ${fileType} rule without a name (msg) cannot be a Signature`);
      return;
    }
    const before = batch.counts.groups;
    try {
      const sig = batch.signature({ name: groupName(rule.name, suffix), fileName, fileType, fileText, xid: defaultXid('Signature', `${fileType}-${base}-${key}`) });
      if (isCut(rule.name)) sig.attribute('Description', rule.name);
      if (batch.counts.groups > before) {
        report.counts.groups++;
        report.byType.Signature = (report.byType.Signature ?? 0) + 1;
      } else report.duplicates++;
      for (const tag of [...(rule.tags ?? []), ...(options.tags ?? [])]) sig.tag(tag);
      for (const g of options.groups ?? []) {
        if (!sig.associatedGroupXids.includes(typeof g === 'string' ? g : g.xid)) report.counts.associations++;
        sig.association(g);
      }
    } catch (err) {
      addReject(report, where, rule.name, errorReason(err));
    }
  };
  if (format === 'yara') {
    const { rules, imports, problems } = parseYara(text);
    const prefix = options.yaraImports === false || imports.length === 0 ? '' : `${imports.join('\n')}\n\n`;
    report.counts.read = rules.length + problems.length;
    for (const p of problems) addReject(report, `${source}:${p.line}`, p.value, p.reason);
    // one Signature per rule: a name repeated in the file (YARA itself refuses that) gets its line
    const names = new Set<string>();
    for (const rule of rules) {
      const repeat = rule.name !== undefined && names.has(rule.name);
      if (rule.name !== undefined) names.add(rule.name);
      if (repeat) add(rule, `${rule.name!}:line:${rule.line}`, `${rule.name!}-line-${rule.line}.yar`, `${prefix}${rule.text}`, ` (line ${rule.line})`);
      else add(rule, rule.name!, `${rule.name}.yar`, `${prefix}${rule.text}`);
    }
  } else {
    const { rules, commented, problems } = parseSnort(text);
    report.counts.read = rules.length + commented.length + problems.length;
    for (const p of problems) addReject(report, `${source}:${p.line}`, p.value, p.reason);
    for (const c of commented) addSkip(report, `${source}:${c.line}`, 'commented-out rule');
    // one Signature per rule: variants sharing a sid (or a msg) get the line in their xid and name
    const sids = new Set<string>();
    const names = new Set<string>();
    for (const rule of rules) {
      const repeat = rule.sid !== undefined && sids.has(rule.sid);
      if (rule.sid !== undefined) sids.add(rule.sid);
      const key = rule.sid && !repeat ? `sid:${rule.sid}` : rule.sid ? `sid:${rule.sid}:line:${rule.line}` : `line:${rule.line}`;
      const base = rule.sid ? `sid-${rule.sid.replace(':', '-')}` : `line-${rule.line}`;
      const suffix = rule.name !== undefined && names.has(groupName(rule.name)) ? ` (${rule.sid ? `sid ${rule.sid}, ` : ''}line ${rule.line})` : '';
      if (rule.name !== undefined) names.add(groupName(rule.name, suffix));
      add(rule, key, `${base}${repeat ? `-line-${rule.line}` : ''}.rules`, rule.text, suffix);
    }
  }
  return report;
}
