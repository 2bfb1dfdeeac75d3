/**
 * STIX 2.0/2.1 patterning: a parser (an ohm-js grammar transcribed from the OASIS ANTLR grammar
 * `STIXPattern.g4`, STIX 2.1 spec §9) and the extraction of the simple observables an importer can
 * turn into indicators.
 *
 * No well-kept STIX pattern parser exists on npm, so the grammar lives here. It parses the whole
 * language (observation expressions joined by AND / OR / FOLLOWEDBY, qualifiers START/STOP, WITHIN,
 * REPEATS, comparison expressions with = != < <= > >= IN LIKE MATCHES ISSUBSET ISSUPERSET EXISTS
 * and NOT, all literal kinds); {@link extractObservables} then keeps only equality tests on the
 * object paths in {@link SUPPORTED_PATHS} and reports everything else as unsupported. The most
 * common pattern, one string comparison in one observation, is matched by a regular expression
 * first and gives the grammar's exact tree (the grammar took 38 % of a large bundle's import).
 */
import * as ohm from 'ohm-js';
import { TcBatchError } from '../errors.js';

const GRAMMAR = String.raw`
StixPattern {
  Pattern = ObsExpr end

  ObsExpr = ObsExpr followedBy ObsOr  -- followedBy
          | ObsOr
  ObsOr = ObsOr or ObsAnd  -- or
        | ObsAnd
  ObsAnd = ObsAnd and ObsQual  -- and
         | ObsQual
  ObsQual = ObsQual Qualifier  -- qualified
          | ObsPrimary
  ObsPrimary = "[" CompOr "]"  -- observation
             | "(" ObsExpr ")"  -- paren
  Qualifier = start timestamp stop timestamp  -- startStop
            | within number seconds  -- within
            | repeats intPos times  -- repeats

  CompOr = CompOr or CompAnd  -- or
         | CompAnd
  CompAnd = CompAnd and PropTest  -- and
          | PropTest
  PropTest = objectPath not? compareOp literal  -- compare
           | objectPath not? in SetLiteral  -- in
           | objectPath not? like string  -- like
           | objectPath not? matches string  -- matches
           | objectPath not? issubset string  -- issubset
           | objectPath not? issuperset string  -- issuperset
           | exists objectPath  -- exists
           | "(" CompOr ")"  -- paren
  SetLiteral = "(" ListOf<literal, ","> ")"

  compareOp = "==" | "!=" | "<>" | "<=" | ">=" | "=" | "<" | ">"
  objectPath = objectType ":" pathKey pathStep*
  objectType = identStart (identChar | "-")*
  pathKey = ident  -- ident
          | string  -- string
  pathStep = "." pathKey  -- key
           | "[" (intLit | "*") "]"  -- index
  ident = identStart identChar*
  identStart = letter | "_"
  identChar = alnum | "_"

  literal = timestamp | binary | hex | string | bool | number
  string = "'" strChar* "'"
  strChar = "\\'"  -- quote
          | "\\\\"  -- backslash
          | ~("'" | "\\") any  -- char
  timestamp = "t'" tsBody "'"
  tsBody = digit digit digit digit "-" digit digit "-" digit digit "T" digit digit ":" digit digit ":" digit digit ("." digit+)? "Z"
  binary = "b'" (alnum | "+" | "/" | "=")* "'"
  hex = "h'" hexDigit* "'"
  bool = (caseInsensitive<"true"> | caseInsensitive<"false">) ~identChar
  number = float | intLit
  float = ("+" | "-")? digit* "." digit+
  intLit = ("+" | "-")? digit+
  intPos = digit+

  and = "AND" ~identChar
  or = "OR" ~identChar
  not = "NOT" ~identChar
  followedBy = "FOLLOWEDBY" ~identChar
  in = "IN" ~identChar
  like = "LIKE" ~identChar
  matches = "MATCHES" ~identChar
  issubset = "ISSUBSET" ~identChar
  issuperset = "ISSUPERSET" ~identChar
  exists = "EXISTS" ~identChar
  start = "START" ~identChar
  stop = "STOP" ~identChar
  within = "WITHIN" ~identChar
  seconds = "SECONDS" ~identChar
  repeats = "REPEATS" ~identChar
  times = "TIMES" ~identChar
}
`;

/** A literal of a comparison. `string` values are unescaped (`\'` -> `'`, `\\` -> `\`). */
export type PatternLiteral =
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'timestamp'; value: string }
  | { kind: 'binary'; value: string }
  | { kind: 'hex'; value: string };

/** An object path such as `file:hashes.'SHA-256'`: steps are keys, indexes or `*`. */
export interface ObjectPath {
  objectType: string;
  steps: Array<string | number>;
  /** Canonical text: `file:hashes.SHA-256`, `windows-registry-key:values[*].name`. */
  text: string;
}

/** Comparison operators, normalised (`==` -> `=`, `<>` -> `!=`). */
export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN' | 'LIKE' | 'MATCHES' | 'ISSUBSET' | 'ISSUPERSET';

/** A comparison expression (inside `[...]`). `text` is the source text of the node. */
export type ComparisonExpression =
  | { kind: 'test'; path: ObjectPath; op: ComparisonOperator; negated: boolean; value: PatternLiteral | PatternLiteral[]; text: string }
  | { kind: 'exists'; path: ObjectPath; text: string }
  | { kind: 'and' | 'or'; left: ComparisonExpression; right: ComparisonExpression; text: string };

/** A qualifier of an observation expression. */
export type PatternQualifier =
  | { kind: 'startStop'; start: string; stop: string }
  | { kind: 'within'; seconds: number }
  | { kind: 'repeats'; times: number };

/** An observation expression: the root of a parsed pattern. */
export type ObservationExpression =
  | { kind: 'observation'; comparison: ComparisonExpression; text: string }
  | { kind: 'and' | 'or' | 'followedBy'; left: ObservationExpression; right: ObservationExpression; text: string }
  | { kind: 'qualified'; observation: ObservationExpression; qualifier: PatternQualifier; text: string };

/** A pattern that does not parse. `offset` is the 0-based position of the failure. */
export class StixPatternSyntaxError extends TcBatchError {
  readonly pattern: string;
  readonly offset: number;
  constructor(pattern: string, offset: number, message: string) {
    super('TCB_STIX_PATTERN', message);
    this.pattern = pattern;
    this.offset = offset;
  }
}

let grammar: ohm.Grammar | undefined;
let semantics: ohm.Semantics | undefined;

function unescape(s: string): string {
  return s.slice(1, -1).replace(/\\(['\\])/g, '$1');
}

/** An object path of its type and steps, with its canonical text. */
function objectPath(objectType: string, steps: Array<string | number>): ObjectPath {
  const text = `${objectType}:${steps.map((k, i) => (typeof k === 'number' || k === '*' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('')}`;
  return { objectType, steps, text };
}

/** A quoted string (the grammar's `string`: `\'` and `\\` are its only escapes). */
const STR = String.raw`'(?:\\['\\]|[^'\\])*'`;
/** A path key: an ASCII identifier or a quoted string (the grammar's `pathKey`). */
const KEY = String.raw`(?:[A-Za-z_][A-Za-z0-9_]*|${STR})`;
/** The grammar's spaces (ohm's `space`: U+0000 to U+0020). */
const WS = String.raw`[\x00-\x20]*`;
/**
 * The most common pattern, one comparison of an object path with a string in one observation
 * (`[ipv4-addr:value = '198.51.100.1']`), matched without the grammar: a subset of what the
 * grammar accepts (ASCII identifiers, key steps only), giving the same tree.
 */
const SIMPLE = new RegExp(
  String.raw`^${WS}(\[${WS}(([A-Za-z_][A-Za-z0-9_-]*):(${KEY}(?:\.${KEY})*)${WS}(==|!=|<>|<=|>=|=|<|>)${WS}(${STR}))${WS}\])${WS}$`,
);
const STEP = new RegExp(String.raw`\.?(${KEY})`, 'y');

/**
 * {@link parsePattern} of a pattern {@link SIMPLE} matches, or undefined (then only the grammar can tell).
 * @internal exported for the tests
 */
export function simplePattern(pattern: string): ObservationExpression | undefined {
  const m = SIMPLE.exec(pattern);
  if (!m) return undefined;
  const [, observation, test, type, path, op, literal] = m as unknown as [string, string, string, string, string, string, string];
  const steps: string[] = [];
  STEP.lastIndex = 0;
  for (let k = STEP.exec(path); k; k = STEP.exec(path)) steps.push(k[1]!.startsWith("'") ? unescape(k[1]!) : k[1]!);
  const operator = (op === '==' ? '=' : op === '<>' ? '!=' : op) as ComparisonOperator;
  const comparison: ComparisonExpression = { kind: 'test', path: objectPath(type, steps), op: operator, negated: false, value: { kind: 'string', value: unescape(literal) }, text: test };
  return { kind: 'observation', comparison, text: observation };
}

function setup(): { g: ohm.Grammar; s: ohm.Semantics } {
  if (grammar && semantics) return { g: grammar, s: semantics };
  const g = ohm.grammar(GRAMMAR);
  const s = g.createSemantics();
  const bin = (kind: string) =>
    function (this: ohm.Node, l: ohm.Node, _op: ohm.Node, r: ohm.Node) {
      return { kind, left: l['ast'](), right: r['ast'](), text: this.sourceString };
    };
  const test = (op: ComparisonOperator | null) =>
    function (this: ohm.Node, path: ohm.Node, not: ohm.Node, opNode: ohm.Node, value: ohm.Node) {
      const raw = op ?? (opNode.sourceString === '==' ? '=' : opNode.sourceString === '<>' ? '!=' : opNode.sourceString);
      return { kind: 'test', path: path['ast'](), op: raw, negated: not.numChildren > 0, value: value['ast'](), text: this.sourceString };
    };
  s.addOperation<unknown>('ast', {
    Pattern: (e, _end) => e['ast'](),
    ObsExpr_followedBy: bin('followedBy'),
    ObsOr_or: bin('or'),
    ObsAnd_and: bin('and'),
    ObsQual_qualified(o, q) {
      return { kind: 'qualified', observation: o['ast'](), qualifier: q['ast'](), text: this.sourceString };
    },
    ObsPrimary_observation(_o, c, _c) {
      return { kind: 'observation', comparison: c['ast'](), text: this.sourceString };
    },
    ObsPrimary_paren: (_o, e, _c) => e['ast'](),
    Qualifier_startStop: (_a, t1, _b, t2) => ({ kind: 'startStop', start: t1['ast']().value, stop: t2['ast']().value }),
    Qualifier_within: (_a, n, _b) => ({ kind: 'within', seconds: n['ast']().value }),
    Qualifier_repeats: (_a, n, _b) => ({ kind: 'repeats', times: Number(n.sourceString) }),
    CompOr_or: bin('or'),
    CompAnd_and: bin('and'),
    PropTest_compare: test(null),
    PropTest_in: test('IN'),
    PropTest_like: test('LIKE'),
    PropTest_matches: test('MATCHES'),
    PropTest_issubset: test('ISSUBSET'),
    PropTest_issuperset: test('ISSUPERSET'),
    PropTest_exists(_e, p) {
      return { kind: 'exists', path: p['ast'](), text: this.sourceString };
    },
    PropTest_paren: (_o, c, _c) => c['ast'](),
    SetLiteral: (_o, list, _c) => list.asIteration().children.map((c) => c['ast']()),
    objectPath(type, _colon, key, steps) {
      return objectPath(type.sourceString, [key['ast'](), ...steps.children.map((c) => c['ast']())]);
    },
    pathKey_ident: (i) => i.sourceString,
    pathKey_string: (s) => unescape(s.sourceString),
    pathStep_key: (_d, k) => k['ast'](),
    pathStep_index: (_o, i, _c) => (i.sourceString === '*' ? '*' : Number(i.sourceString)),
    literal: (l) => l['ast'](),
    string(_o, _s, _c) {
      return { kind: 'string', value: unescape(this.sourceString) };
    },
    timestamp(_o, body, _c) {
      return { kind: 'timestamp', value: body.sourceString };
    },
    binary(_o, b, _c) {
      return { kind: 'binary', value: b.sourceString };
    },
    hex(_o, h, _c) {
      return { kind: 'hex', value: h.sourceString };
    },
    bool(b) {
      return { kind: 'bool', value: b.sourceString.toLowerCase() === 'true' };
    },
    number: (n) => n['ast'](),
    float(this: ohm.Node, _s, _i, _d, _f) {
      return { kind: 'float', value: Number(this.sourceString) };
    },
    intLit(this: ohm.Node, _s, _d) {
      return { kind: 'int', value: Number(this.sourceString) };
    },
  });
  grammar = g;
  semantics = s;
  return { g, s };
}

/**
 * Parse a STIX pattern.
 * @returns the observation expression tree
 * @throws StixPatternSyntaxError when the text is not a STIX pattern (message from the parser,
 *   with the failing position)
 */
export function parsePattern(pattern: string): ObservationExpression {
  const simple = simplePattern(pattern);
  if (simple) return simple;
  return parseWithGrammar(pattern);
}

/**
 * {@link parsePattern} by the grammar alone (no shortcut for simple patterns).
 * @internal exported for the tests that compare the two
 */
export function parseWithGrammar(pattern: string): ObservationExpression {
  const { g, s } = setup();
  const match = g.match(pattern);
  if (match.failed()) {
    const offset = (match as unknown as { getRightmostFailurePosition(): number }).getRightmostFailurePosition();
    throw new StixPatternSyntaxError(pattern, offset, `invalid STIX pattern at offset ${offset}: ${match.shortMessage ?? match.message}`);
  }
  return s(match)['ast']() as ObservationExpression;
}

/**
 * The object paths {@link extractObservables} accepts, canonical form. STIX 2.0 hash keys
 * (`md5`, `sha1`, `sha256`, `sha-1`, `sha-256`, any case) are normalised to `MD5`, `SHA-1`, `SHA-256`.
 */
export const SUPPORTED_PATHS: readonly string[] = [
  'ipv4-addr:value',
  'ipv6-addr:value',
  'domain-name:value',
  'url:value',
  'email-addr:value',
  'file:hashes.MD5',
  'file:hashes.SHA-1',
  'file:hashes.SHA-256',
  'autonomous-system:number',
  'windows-registry-key:key',
  'windows-registry-key:values[*].name',
  'windows-registry-key:values[*].data_type',
  'mutex:name',
  'email-message:subject',
];

/** Paths that alone do not make an observable (they qualify another path of the same object). */
const DEPENDENT_PATHS: Readonly<Record<string, string>> = {
  'windows-registry-key:values[*].name': 'windows-registry-key:key',
  'windows-registry-key:values[*].data_type': 'windows-registry-key:key',
};

const HASH_KEYS: Readonly<Record<string, string>> = { md5: 'MD5', sha1: 'SHA-1', 'sha-1': 'SHA-1', sha256: 'SHA-256', 'sha-256': 'SHA-256' };

/**
 * The canonical STIX hash name (`MD5`, `SHA-1`, `SHA-256`) of a hash key in any spelling STIX 2.0
 * or 2.1 uses (`md5`, `sha1`, `SHA-1`, `sha-256`...), or undefined for other hashes.
 */
export function normaliseHashKey(key: string): string | undefined {
  return HASH_KEYS[key.toLowerCase()];
}

/** Canonical path text: STIX 2.0 hash spellings normalised. */
export function canonicalPath(path: ObjectPath): string {
  const [first, second] = path.steps;
  if (path.objectType === 'file' && first === 'hashes' && path.steps.length === 2 && typeof second === 'string') {
    const k = HASH_KEYS[second.toLowerCase()];
    if (k) return `file:hashes.${k}`;
  }
  return path.text;
}

/** One object the pattern matches: an object type and its property values by canonical path. */
export interface PatternObservable {
  objectType: string;
  /** Values by canonical path (`file:hashes.MD5`), as strings (AS numbers in decimal). */
  values: Record<string, string>;
  /** Source text of the comparison(s) it came from. */
  text: string;
}

/** A part of a pattern that cannot become an observable, with why. */
export interface UnsupportedPart {
  text: string;
  reason: string;
}

/** Result of {@link extractObservables}. */
export interface ExtractResult {
  observables: PatternObservable[];
  unsupported: UnsupportedPart[];
}

function conjunction(c: ComparisonExpression): Array<Extract<ComparisonExpression, { kind: 'test' | 'exists' }>> | UnsupportedPart {
  if (c.kind === 'and') {
    const l = conjunction(c.left);
    if (!Array.isArray(l)) return l;
    const r = conjunction(c.right);
    if (!Array.isArray(r)) return r;
    return [...l, ...r];
  }
  if (c.kind === 'or') return { text: c.text, reason: 'OR nested inside AND is not supported' };
  return [c as Extract<ComparisonExpression, { kind: 'test' | 'exists' }>];
}

function fromConjunction(c: ComparisonExpression): PatternObservable | UnsupportedPart {
  const tests = conjunction(c);
  if (!Array.isArray(tests)) return tests;
  const values: Record<string, string> = {};
  let objectType: string | undefined;
  for (const t of tests) {
    if (t.kind === 'exists') return { text: t.text, reason: 'EXISTS is not supported' };
    if (t.negated) return { text: t.text, reason: `NOT ${t.op} is not supported` };
    if (t.op !== '=') return { text: t.text, reason: `operator ${t.op} is not supported (only =)` };
    const path = canonicalPath(t.path);
    if (!SUPPORTED_PATHS.includes(path)) return { text: t.text, reason: `object path ${t.path.text} is not supported` };
    if (objectType !== undefined && objectType !== t.path.objectType) return { text: c.text, reason: `AND across object types (${objectType}, ${t.path.objectType}) is not supported` };
    objectType = t.path.objectType;
    const lit = t.value as PatternLiteral;
    const wantInt = path === 'autonomous-system:number';
    if (wantInt ? lit.kind !== 'int' : lit.kind !== 'string') return { text: t.text, reason: `${path} needs ${wantInt ? 'an integer' : 'a string'} literal` };
    const v = String(lit.value);
    if (values[path] !== undefined && values[path] !== v) return { text: c.text, reason: `${path} compared with two values under AND` };
    values[path] = v;
  }
  for (const [dep, main] of Object.entries(DEPENDENT_PATHS)) {
    if (values[dep] !== undefined && values[main] === undefined) return { text: c.text, reason: `${dep} needs ${main} in the same AND` };
  }
  return { objectType: objectType!, values, text: c.text };
}

function fromComparison(c: ComparisonExpression, out: ExtractResult): void {
  if (c.kind === 'or') {
    fromComparison(c.left, out);
    fromComparison(c.right, out);
    return;
  }
  const r = fromConjunction(c);
  if ('reason' in r) out.unsupported.push(r);
  else out.observables.push(r);
}

function fromObservation(o: ObservationExpression, out: ExtractResult): void {
  switch (o.kind) {
    case 'observation':
      fromComparison(o.comparison, out);
      return;
    case 'or':
      fromObservation(o.left, out);
      fromObservation(o.right, out);
      return;
    case 'and':
      out.unsupported.push({ text: o.text, reason: 'observation operator AND is not supported' });
      return;
    case 'followedBy':
      out.unsupported.push({ text: o.text, reason: 'observation operator FOLLOWEDBY is not supported' });
      return;
    case 'qualified': {
      const q = o.qualifier.kind === 'startStop' ? 'START/STOP' : o.qualifier.kind.toUpperCase();
      out.unsupported.push({ text: o.text, reason: `qualifier ${q} is not supported` });
      return;
    }
  }
}

/**
 * The observables a parsed pattern matches, as far as they are simple: OR (of observations or of
 * comparisons) is a union, each alternative one observable; AND inside an observation merges
 * equality tests on one object (`file:hashes.MD5 = ... AND file:hashes.'SHA-256' = ...` is one
 * file). Every other construct (observation AND, FOLLOWEDBY, qualifiers, operators other than `=`,
 * NOT, EXISTS, paths outside {@link SUPPORTED_PATHS}) is listed in `unsupported` with its text and
 * reason; supported alternatives of the same OR are still returned. Never throws.
 */
export function extractObservables(ast: ObservationExpression): ExtractResult {
  const out: ExtractResult = { observables: [], unsupported: [] };
  fromObservation(ast, out);
  return out;
}
