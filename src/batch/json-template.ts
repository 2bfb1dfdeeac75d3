/**
 * Template packing of JSON texts (the compact store's representation, issue 14). The items of a
 * feed repeat one shape: the same keys, numbers and punctuation, and mostly the same strings (type,
 * attribute type, tag name); only a few strings differ (summary, xid, attribute value). A text is
 * split at its string literals into `parts` (everything outside the string contents, the quotes
 * included) and `contents` (the escaped contents, exactly as in the text). Texts with the same parts
 * share one {@link Template}, which keeps the contents of the first text of that shape; a text is
 * then packed as its template and the contents that differ from the template's, each after a
 * marker naming its position. An item whose xid is a lowercase 64-hex SHA-256 (the derived xids)
 * keeps it as 32 bytes elsewhere, and a template position holding the item's own xid stores nothing.
 *
 * Packed record: for each differing position `k`, a marker then the contents. The marker is one
 * control character `k + 1` for `k < 30`, else `\x1f`, `k` in decimal and `"`. Escaped JSON string
 * contents never hold a control character or a bare `"`, so markers cannot be confused with them.
 */

/** The shape of a family of JSON texts. */
export interface Template {
  /** Position in {@link TemplateTable.templates}. */
  readonly id: number;
  /** The text outside the string contents: `parts[0] c0 parts[1] c1 ... parts[n]`. */
  readonly parts: readonly string[];
  /** The contents of the first text of this shape; `null` marks the item's own xid. */
  readonly strings: ReadonlyArray<string | null>;
}

/** A template with the constant runs of its last unpacked record's positions. */
interface MutableTemplate extends Template {
  segKs?: number[];
  segs?: string[];
  /** Packing: the marker positions of the last record packed against it, and their constant runs. */
  packKs?: number[];
  packSegs?: string[];
}

/** Templates past this many are not made: further new shapes are stored as their whole text. */
const MAX_TEMPLATES = 1 << 16;

/**
 * A flat copy of `s`. The strings a template keeps are slices and concatenations (ropes), whose
 * characters V8 reads through the rope on every access; a template compares and copies them for
 * every item, so they are flattened once.
 */
function flat(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

/** Whether `text` has `s` at `pos` (native search; `startsWith` with a position and a char loop are slower in V8 here). */
function eqAt(text: string, s: string, pos: number): boolean {
  return text.indexOf(s, pos) === pos;
}

/** Index of the `"` closing the string whose contents start at `from`. */
function closingQuote(text: string, from: number): number {
  let e = text.indexOf('"', from);
  for (;;) {
    let b = 0;
    while (text.charCodeAt(e - 1 - b) === 92) b++; // backslashes before the quote
    if ((b & 1) === 0) return e;
    e = text.indexOf('"', e + 1);
  }
}

/** Split `text` (JSON.stringify output) into its parts and string contents. */
function split(text: string): { parts: string[]; contents: string[] } {
  const parts: string[] = [];
  const contents: string[] = [];
  let from = 0;
  let q = text.indexOf('"');
  while (q >= 0) {
    const e = closingQuote(text, q + 1);
    parts.push(text.slice(from, q + 1));
    contents.push(text.slice(q + 1, e));
    from = e;
    q = text.indexOf('"', e + 1);
  }
  parts.push(text.slice(from));
  return { parts, contents };
}

/** Whether `a` is the first `m` numbers of `b`. */
function sameKs(a: readonly number[], b: readonly number[], m: number): boolean {
  if (a.length !== m) return false;
  for (let j = 0; j < m; j++) if (a[j] !== b[j]) return false;
  return true;
}

function marker(k: number): string {
  return k < 30 ? String.fromCharCode(k + 1) : `\x1f${k}"`;
}

/**
 * The templates of one store, and packing/unpacking against them. `pack` returns the template
 * (undefined: the text is kept whole) and the record.
 */
export class TemplateTable {
  readonly templates: Template[] = [];
  readonly #byKey = new Map<string, Template>();
  /** The template last used for each type: consecutive items of a type usually share it. */
  readonly #last = new Map<string, Template>();

  /**
   * Pack `text`.
   * @param type the item's type (picks the template tried first)
   * @param xid the item's xid, when it is kept as binary (else undefined)
   * @returns the template and the record, or undefined when the text is kept whole
   */
  pack(text: string, type: string, xid: string | undefined): { template: Template; record: string } | undefined {
    const last = this.#last.get(type);
    if (last !== undefined) {
      const record = this.#fast(last as MutableTemplate, text, xid) ?? this.#against(last, text, xid);
      if (record !== undefined) return { template: last, record };
    }
    const { parts, contents } = split(text);
    const key = parts.join('\u0000');
    let template = this.#byKey.get(key);
    if (template === undefined) {
      if (this.templates.length >= MAX_TEMPLATES) return undefined;
      template = { id: this.templates.length, parts: parts.map(flat), strings: contents.map((c) => (xid !== undefined && c === xid ? null : flat(c))) };
      this.templates.push(template);
      this.#byKey.set(key, template);
    }
    this.#last.set(type, template);
    let record = '';
    for (let k = 0; k < contents.length; k++) {
      const c = contents[k]!;
      const s = template.strings[k];
      if (!(s === null ? c === xid : c === s)) record += marker(k) + c;
    }
    return { template, record };
  }

  /**
   * The record of `text` against `t` when its strings differ from the template's at the same
   * positions as the last record packed against `t` (a feed's usual case: one comparison per
   * constant run instead of one per string), else undefined.
   */
  #fast(t: MutableTemplate, text: string, xid: string | undefined): string | undefined {
    const segs = t.packSegs;
    if (segs === undefined) return undefined;
    const ks = t.packKs!;
    const { strings } = t;
    let pos = segs[0]!.length;
    if (!eqAt(text, segs[0]!, 0)) return undefined;
    let record = '';
    let j = 0;
    let s = 1;
    for (let k = 0; k < strings.length; k++) {
      if (j < ks.length && ks[j] === k) {
        j++;
        const e = closingQuote(text, pos);
        if (e < 0) return undefined;
        record += marker(k) + text.slice(pos, e);
        pos = e;
      } else if (strings[k] === null) {
        if (xid === undefined || !eqAt(text, xid, pos) || text.charCodeAt(pos + xid.length) !== 34) return undefined;
        pos += xid.length;
      } else continue;
      const seg = segs[s++]!;
      if (!eqAt(text, seg, pos)) return undefined;
      pos += seg.length;
    }
    return pos === text.length ? record : undefined;
  }

  /** The record of `text` against `t`, or undefined when `text` has another shape. */
  #against(t: Template, text: string, xid: string | undefined): string | undefined {
    const { parts, strings } = t;
    const n = strings.length;
    const ks: number[] = [];
    let record = '';
    let pos = 0;
    for (let k = 0; k < n; k++) {
      const p = parts[k]!;
      if (!eqAt(text, p, pos)) return undefined;
      pos += p.length;
      // the same contents followed by a quote: that quote closes the string (valid escaped
      // contents never end in an unpaired backslash, and a bare quote cannot be inside)
      const s = strings[k] === null ? xid : strings[k]!;
      if (s !== undefined && eqAt(text, s, pos) && text.charCodeAt(pos + s.length) === 34) {
        pos += s.length;
        continue;
      }
      const e = closingQuote(text, pos);
      if (e < 0) return undefined;
      record += marker(k) + text.slice(pos, e);
      ks.push(k);
      pos = e;
    }
    const end = parts[n]!;
    if (text.length - pos !== end.length || !eqAt(text, end, pos)) return undefined;
    const m = t as MutableTemplate;
    m.packKs = ks;
    m.packSegs = this.#segments(t, ks);
    return record;
  }

  /**
   * The text packed as `record` against template `id`.
   * @param xid the item's xid (for the positions marked with it)
   */
  unpack(id: number, record: string, xid: string | undefined): string {
    const t = this.templates[id] as MutableTemplate;
    // the positions and contents of the record
    const ks = this.#ks;
    const vs = this.#vs;
    let m = 0;
    for (let r = 0; r < record.length; ) {
      const k = this.#markerAt(record, r);
      const start = this.#contentStart(record, r);
      let e = start;
      while (e < record.length && record.charCodeAt(e) >= 32) e++;
      ks[m] = k;
      vs[m++] = record.slice(start, e);
      r = e;
    }
    // the constant runs between the variable positions, cached for the last set of positions
    let segs = t.segs;
    if (segs === undefined || !sameKs(t.segKs!, ks, m)) {
      t.segKs = ks.slice(0, m);
      segs = t.segs = this.#segments(t, t.segKs);
    }
    const { strings } = t;
    let out = segs[0]!;
    let j = 0;
    let s = 1;
    for (let k = 0; k < strings.length; k++) {
      if (j < m && ks[j] === k) out += vs[j++]! + segs[s++]!;
      else if (strings[k] === null) out += xid! + segs[s++]!;
    }
    return out;
  }

  readonly #ks: number[] = [];
  readonly #vs: string[] = [];

  /** The constant text between the variable positions (`ks`, and the xid positions) of `t`. */
  #segments(t: Template, ks: readonly number[]): string[] {
    const { parts, strings } = t;
    const segs: string[] = [];
    let run = parts[0]!;
    let j = 0;
    for (let k = 0; k < strings.length; k++) {
      if ((j < ks.length && ks[j] === k) || strings[k] === null) {
        if (j < ks.length && ks[j] === k) j++;
        segs.push(run);
        run = '';
      } else run += strings[k]!;
      run += parts[k + 1]!;
    }
    segs.push(run);
    return segs.map(flat);
  }

  #markerAt(record: string, r: number): number {
    const c = record.charCodeAt(r);
    if (c !== 31) return c - 1;
    return Number(record.slice(r + 1, record.indexOf('"', r + 1)));
  }

  #contentStart(record: string, r: number): number {
    return record.charCodeAt(r) !== 31 ? r + 1 : record.indexOf('"', r + 1) + 1;
  }
}
