/**
 * External ids (xids) for groups and indicators.
 *
 * - {@link generateXid}: byte-compatible port of tcex `Batch.generate_xid` (ThreatConnect TcEx Batch module), including
 *   Python `str()` rendering of list items and the double hash for lists.
 * - {@link defaultXid}: the deterministic default xid of tcbatch (README: Design notes, seed-era tcex 0.8 `_xid`).
 * - {@link randomXid}: a random uuid4 string (the reference's default when no xid is given).
 *
 * All hashes are SHA-256 of the UTF-8 bytes, rendered as 64 lower-case hex characters.
 */
import * as crypto from 'node:crypto';
import { ValidationError } from '../errors.js';

/**
 * One-shot SHA-256 hex of the UTF-8 bytes of `s`. Uses `crypto.hash` (Node >= 20.12, about 4x faster: no
 * `Hash` object) and falls back to `createHash` on older Node 20 releases.
 */
const sha256Hex: (s: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (s) => crypto.hash('sha256', s, 'hex')
    : (s) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * Marker for a number that must be rendered as a Python `float` in {@link generateXid} list items.
 * JavaScript cannot tell `1.0` from `1`; wrap the number with {@link pyFloat} to get Python's `'1.0'`.
 * Create instances with {@link pyFloat}.
 */
export class PyFloat {
  /** The wrapped IEEE-754 double. */
  readonly value: number;
  /** @param value - any number, including `NaN`, `±Infinity` and `-0`. */
  constructor(value: number) {
    this.value = value;
  }
  /** Python `str(float)` / `repr(float)` of {@link PyFloat.value}, e.g. `'1.0'`, `'1e+16'`, `'nan'`. */
  toString(): string {
    return pyFloatRepr(this.value);
  }
}

/**
 * A list item accepted by {@link generateXid}: rendered exactly as Python `str()` would render the equivalent
 * Python value (`true` → `'True'`, `false` → `'False'`, `null` → `'None'`, integer → digits, non-integer number or
 * {@link PyFloat} → Python float repr, string → itself).
 */
export type XidPart = string | number | boolean | null | PyFloat;

/**
 * Wraps a number so that {@link generateXid} renders it as a Python float.
 *
 * @param n - the number (any double, including `NaN` and `±Infinity`).
 * @returns a {@link PyFloat} marker; `pyFloat(1)` renders `'1.0'`, `pyFloat(1e16)` `'1e+16'`, `pyFloat(0.1)` `'0.1'`,
 *   `pyFloat(NaN)` `'nan'`, `pyFloat(Infinity)` `'inf'`.
 */
export function pyFloat(n: number): PyFloat {
  return new PyFloat(n);
}

/**
 * Python `repr(float)` (= `str(float)` since Python 3.2): the shortest round-trip digits (same digits as
 * JavaScript), in fixed notation when the decimal exponent is in `[-4, 16)` with `'.0'` added to integral values,
 * otherwise in exponent notation with a sign and at least two exponent digits (`1e-05`, `1.5e+300`).
 * `NaN` → `'nan'`, `Infinity` → `'inf'`, `-Infinity` → `'-inf'`, `-0` → `'-0.0'`.
 *
 * Rule source: CPython `float_repr` → `PyOS_double_to_string(x, 'r', 0, Py_DTSF_ADD_DOT_0)`.
 *
 * @param n - the number.
 * @returns the Python rendering.
 */
export function pyFloatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  // toExponential() without an argument yields the shortest round-trip digits: "d[.ddd]e±x".
  const e = n.toExponential();
  const neg = e.charCodeAt(0) === 45; /* '-' */
  const ePos = e.indexOf('e');
  const mantissa = e.slice(neg ? 1 : 0, ePos);
  const exp = Number(e.slice(ePos + 1));
  const digits = mantissa.length > 1 ? mantissa[0] + mantissa.slice(2) : mantissa;
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const absExp = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${absExp < 10 ? '0' : ''}${absExp}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}.0`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/**
 * Python `str()` of one {@link generateXid} list item.
 *
 * @param part - the item. Integers (`Number.isInteger`) render as Python `int` digits (exact, also beyond
 *   2^53: `1e21` → `'1000000000000000000000'`); other numbers as Python floats ({@link pyFloatRepr}).
 * @returns the rendering.
 * @throws {ValidationError} code `TCB_INVALID_XID` when `part` is not an {@link XidPart} (e.g. `undefined`, an object).
 */
export function pyStr(part: XidPart): string {
  switch (typeof part) {
    case 'string':
      return part;
    case 'boolean':
      return part ? 'True' : 'False';
    case 'number':
      if (Number.isInteger(part)) return Number.isSafeInteger(part) ? String(part) : BigInt(part).toString();
      return pyFloatRepr(part);
    case 'object':
      if (part === null) return 'None';
      if (part instanceof PyFloat) return pyFloatRepr(part.value);
      break;
    default:
      break;
  }
  throw new ValidationError({
    field: 'xid',
    rule: 'an xid list item is a string, number, boolean, null or pyFloat() (ThreatConnect TcEx Batch module)',
    value: part,
    code: 'TCB_INVALID_XID',
  });
}

/**
 * Port of tcex `Batch.generate_xid(identifier)` (ThreatConnect TcEx Batch module), byte for byte.
 *
 * - string: `sha256_hex(utf8(identifier))` (no trimming, no case folding).
 * - list: items rendered with Python `str()` ({@link pyStr}), joined with `'-'`, then
 *   `sha256_hex(utf8(sha256_hex(utf8(joined))))` (the reference's deliberate DOUBLE hash). `[]` hashes `''` twice.
 * - `undefined`: `sha256_hex` of a random uuid4 string (not reproducible).
 *
 * @param identifier - a string, a list of {@link XidPart}, or nothing.
 * @returns 64 lower-case hex characters.
 * @throws {ValidationError} code `TCB_INVALID_XID` when `identifier` (at runtime) is neither a string, an array nor
 *   `undefined` (the reference raises too), or when a list item is not an {@link XidPart}.
 */
export function generateXid(identifier?: string | readonly XidPart[]): string {
  if (identifier === undefined) return sha256Hex(crypto.randomUUID());
  if (typeof identifier === 'string') return sha256Hex(identifier);
  if (Array.isArray(identifier)) {
    const parts = identifier as readonly XidPart[];
    let joined = '';
    for (let i = 0; i < parts.length; i++) {
      if (i > 0) joined += '-';
      joined += pyStr(parts[i] as XidPart);
    }
    return sha256Hex(sha256Hex(joined));
  }
  throw new ValidationError({
    field: 'xid',
    rule: 'generateXid takes a string, a list or nothing (ThreatConnect TcEx Batch module)',
    value: identifier,
    code: 'TCB_INVALID_XID',
  });
}

/**
 * Deterministic default xid of a group or indicator (README: Design notes, seed-era tcex 0.8 `_xid`):
 * `sha256_hex(utf8(`${type}-${value}`))`, a SINGLE hash. Hot path (one hash per item, 10^7 items): no validation.
 *
 * @param type - wire type, e.g. `'Adversary'`, `'Address'`.
 * @param value - group name or indicator summary, e.g. `'adversary-001'`.
 * @returns 64 lower-case hex characters; Adversary `adversary-001` →
 *   `2dcb052f3ed4acb0e87e9ca52b2aa7170d3534ad81cd5fec97362bc1015d3ba6`.
 */
export function defaultXid(type: string, value: string): string {
  return sha256Hex(`${type}-${value}`);
}

/**
 * A random xid: a uuid4 string from `crypto.randomUUID()` (what the reference uses when no xid is given, and what
 * tcbatch uses for `xid: false`).
 *
 * @returns e.g. `'3b241101-e2bb-4255-8caf-4136c566a962'` (36 characters, lower-case).
 */
export function randomXid(): string {
  return crypto.randomUUID();
}
