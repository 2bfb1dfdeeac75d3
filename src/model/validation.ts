/**
 * Turns the raw errors of the generated standalone ajv validators into {@link ValidationIssue}s:
 * a JSON pointer, the rule broken (the schema's `x-tc-rule` text where it has one), the
 * offending value, and the group or indicator the problem is in.
 *
 * The generated validators (`generated/validators`) import this module; it has no other users'
 * dependencies and no knowledge of the ThreatConnect types themselves.
 */

/** The subset of an ajv `ErrorObject` (compiled with `verbose: true`) that we read. */
export interface RawError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  data?: unknown;
  parentSchema?: Record<string, unknown>;
}

/** A compiled standalone validator: returns true when valid, else leaves its errors on `.errors`. */
export interface RawValidator {
  (data: unknown): boolean;
  errors?: RawError[] | null;
}

/** The group or indicator an issue belongs to, when the failing value is inside one. */
export interface IssueItem {
  /** JSON pointer of the item (e.g. `/indicator/3`). */
  pointer: string;
  type?: string;
  xid?: string;
  /** Indicator summary. */
  summary?: string;
  /** Group name. */
  name?: string;
}

/** One broken rule. */
export interface ValidationIssue {
  /** JSON pointer (RFC 6901) of the offending value; for a missing field, of where it should be. */
  pointer: string;
  /** JSON Schema keyword that failed (`pattern`, `required`, `maximum`, `discriminator`, ...). */
  keyword: string;
  /** The rule in words, with its source (from the schema's `x-tc-rule`, else from the keyword). */
  rule: string;
  /** The offending value (`undefined` for a missing field). */
  value: unknown;
  /** Where the rule lives in the schema. */
  schemaPath: string;
  /** The enclosing group or indicator, if any. */
  item?: IssueItem;
}

/** Outcome of a generated `validateX(data)` call. */
export type ValidationResult<T> = { valid: true; value: T; issues: [] } | { valid: false; issues: ValidationIssue[] };

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function ruleFromKeyword(e: RawError): string {
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return `${String(p.missingProperty)} is required`;
    case 'unevaluatedProperties':
    case 'additionalProperties':
      return `${String(p.unevaluatedProperty ?? p.additionalProperty)} is not a field of this object in the Batch V2 format`;
    case 'type':
      return `must be of type ${String(p.type)}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map(quote).join(', ')}`;
    case 'const':
      return `must be ${quote(p.allowedValue)}`;
    case 'minLength':
      return `must have at least ${String(p.limit)} character${p.limit === 1 ? '' : 's'}`;
    case 'maxLength':
      return `must have at most ${String(p.limit)} characters`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(p.comparison)} ${String(p.limit)}`;
    case 'minProperties':
      return `must have at least ${String(p.limit)} field${p.limit === 1 ? '' : 's'}`;
    case 'pattern':
      return `must match ${String(p.pattern)}`;
    case 'format':
      return `must be a valid ${String(p.format)}`;
    default:
      return e.message ?? e.keyword;
  }
}

function findItem(root: unknown, pointer: string): IssueItem | undefined {
  const parts = parsePointer(pointer);
  let node: unknown = root;
  let found: IssueItem | undefined;
  let path = '';
  for (let i = 0; i <= parts.length; i++) {
    if (node && typeof node === 'object' && !Array.isArray(node)) {
      const o = node as Record<string, unknown>;
      const isItem = path === '' || /^\/(group|indicator)\/\d+$/.test(path) || 'xid' in o || 'summary' in o || 'name' in o;
      if (typeof o.type === 'string' && isItem) {
        found = { pointer: path, type: o.type };
        if (typeof o.xid === 'string') found.xid = o.xid;
        if (typeof o.summary === 'string') found.summary = o.summary;
        if (typeof o.name === 'string') found.name = o.name;
        break; // the outermost item wins: an attribute's type is not an item
      }
    }
    if (i === parts.length || node === null || typeof node !== 'object') break;
    const key = parts[i]!;
    node = (node as Record<string, unknown>)[key];
    path += `/${escapePointer(key)}`;
  }
  return found;
}

/**
 * Convert raw ajv errors into issues. Errors beneath a failed `anyOf`/`oneOf` that carries its own
 * rule text are folded into that one issue; the `if` wrapper of an `if/then` is dropped (the
 * `then` error says what is missing).
 *
 * @param errors `validator.errors` after a failed call
 * @param root the validated value, used to name the enclosing group or indicator
 */
export function toIssues(errors: readonly RawError[], root: unknown): ValidationIssue[] {
  const folded = errors.filter(
    (e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && typeof e.parentSchema?.['x-tc-rule'] === 'string',
  );
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    if (
      folded.some(
        (f) => f !== e && f.instancePath === e.instancePath && e.schemaPath.startsWith(`${f.schemaPath}/`),
      )
    )
      continue;
    const missing = e.keyword === 'required' ? String(e.params.missingProperty) : undefined;
    const extra =
      e.keyword === 'unevaluatedProperties' || e.keyword === 'additionalProperties'
        ? String(e.params.unevaluatedProperty ?? e.params.additionalProperty)
        : undefined;
    const field = missing ?? extra;
    const pointer = field === undefined ? e.instancePath : `${e.instancePath}/${escapePointer(field)}`;
    const ownRule = e.parentSchema?.['x-tc-rule'];
    const rule =
      typeof ownRule === 'string' && e.keyword !== 'unevaluatedProperties' && e.keyword !== 'additionalProperties'
        ? ownRule
        : ruleFromKeyword(e);
    const key = `${pointer}\0${rule}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const value = missing !== undefined ? undefined : extra !== undefined ? (e.data as Record<string, unknown>)?.[extra] : e.data;
    const issue: ValidationIssue = { pointer, keyword: e.keyword, rule, value, schemaPath: e.schemaPath };
    const item = findItem(root, pointer);
    if (item) issue.item = item;
    issues.push(issue);
  }
  return issues;
}

/** The `issues` of every valid result: one frozen empty array (validators run several times per item). */
const NO_ISSUES = Object.freeze([]) as unknown as [];

/**
 * Run a generated validator and return a typed result.
 *
 * @returns `{ valid: true, value }` (the same object, typed), or `{ valid: false, issues }`.
 */
export function runValidator<T>(validator: RawValidator, data: unknown): ValidationResult<T> {
  if (validator(data)) return { valid: true, value: data as T, issues: NO_ISSUES };
  return { valid: false, issues: toIssues(validator.errors ?? [], data) };
}

/** One line per issue: `/indicator/3/summary: a Host is ... (value "bad_host"; Host xid ...)`. */
export function formatIssue(issue: ValidationIssue): string {
  const where = issue.item
    ? ` [${issue.item.type ?? '?'} ${issue.item.xid ?? issue.item.summary ?? issue.item.name ?? ''}`.trimEnd() + ']'
    : '';
  const value = issue.value === undefined ? '' : ` (value ${shownValue(issue.value)})`;
  return `${issue.pointer || '/'}${where}: ${issue.rule}${value}`;
}

/**
 * JSON text of an offending value for {@link formatIssue}; never throws. BigInt as `10n`; a value
 * JSON cannot write (a Symbol, 20,000 levels of nesting, a cycle) as `String(v)`, else its tag.
 */
function shownValue(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  try {
    const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
    if (s !== undefined) return s;
  } catch {
    // too deep or cyclic: below
  }
  try {
    return String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}
