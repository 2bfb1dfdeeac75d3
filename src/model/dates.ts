/**
 * Date normalisation for every ThreatConnect date field (`dateAdded`, `eventDate`, `firstSeen`, file occurrence
 * `date`, ...).
 *
 * Output is always `YYYY-MM-DDTHH:mm:ssZ` in UTC with fractional seconds cut. The reference (tcex
 * `any_to_datetime(...).strftime('%Y-%m-%dT%H:%M:%SZ')`, ThreatConnect TcEx Batch module) keeps the wall-clock time of an
 * aware input and drops its offset; tcbatch converts to UTC instead (README: Design notes):
 * `2017-03-03T18:00:00-06:00` → `2017-03-04T00:00:00Z` (the reference gives `2017-03-03T18:00:00Z`).
 *
 * Parsing order for strings: the output form itself (no regex), numeric epoch, ISO-8601, RFC 2822 (strict regexes,
 * no locale), and only then relative English phrases through chrono-node, computed in UTC.
 */
import * as chrono from 'chrono-node';
import { ValidationError } from '../errors.js';

/**
 * Anything {@link toTcDate} accepts: a `Date`, epoch seconds / milliseconds / microseconds as a number, or a string
 * (numeric epoch, ISO-8601, RFC 2822 / HTTP date, relative English phrase).
 */
export type DateInput = Date | number | string;

/** Options of {@link toTcDate}. */
export interface ToTcDateOptions {
  /** Reference instant for relative phrases (`now`, `yesterday`, `2 days ago`). Default: `new Date()` at call time. */
  now?: Date;
  /** API or wire name of the field being converted; copied into the thrown {@link ValidationError}. */
  field?: string;
}

/** The rule text carried by every {@link ValidationError} thrown by {@link toTcDate}. */
export const DATE_RULE =
  'a date is a Date, epoch seconds/ms, ISO-8601, RFC 2822 or a relative phrase such as "2 days ago" (README: Design notes)';

/** Error code of an unparseable date. */
export const INVALID_DATE_CODE = 'TCB_INVALID_DATE';

/** 0001-01-01T00:00:00Z: the smallest instant (Python `datetime.min`, four-digit year). */
const MIN_MS = -62135596800000;
/** 9999-12-31T23:59:59.999Z: the largest instant (Python `datetime.max`, four-digit year). */
const MAX_MS = 253402300799999;
const MS_PER_DAY = 86400000;
/** Longest string handed to chrono-node; relative phrases are short, and chrono is not linear-time friendly. */
const MAX_RELATIVE_LENGTH = 100;

/**
 * Epoch number → milliseconds. Units by magnitude (as arrow's `normalize_timestamp`, used by tcex):
 * `|n| >= 1e14` microseconds, `|n| >= 1e11` milliseconds, otherwise seconds.
 */
function epochToMs(n: number): number {
  const a = Math.abs(n);
  if (a >= 1e14) return n / 1000;
  if (a >= 1e11) return n;
  return n * 1000;
}

/** Formats epoch ms as `YYYY-MM-DDTHH:mm:ssZ` (sub-second part cut, towards the past); undefined when out of range. */
function formatMs(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const t = Math.floor(ms);
  if (t < MIN_MS || t > MAX_MS) return undefined;
  // Years 0001..9999 always print as four digits: "YYYY-MM-DDTHH:mm:ss.sssZ".
  return `${new Date(t).toISOString().slice(0, 19)}Z`;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`); exact for any year. */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Whether the calendar fields form a real date-time (no 24:00, no leap second, year 0001..9999). */
function validFields(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h <= 23 && mi <= 59 && s <= 59;
}

/** UTC epoch ms of validated wall-clock fields at `offsetMinutes` east of UTC. */
function fieldsToMs(y: number, mo: number, d: number, h: number, mi: number, s: number, offsetMinutes: number): number {
  return daysFromCivil(y, mo, d) * MS_PER_DAY + ((h * 60 + mi - offsetMinutes) * 60 + s) * 1000;
}

/** Digit value of `s[i]`, or -1 when it is not an ASCII digit. */
function dig(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** Two-digit number at `s[i..i+1]`, or -1. */
function two(s: string, i: number): number {
  const a = dig(s, i);
  const b = dig(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/**
 * Fast path: `s` is already `YYYY-MM-DDTHH:mm:ssZ` (20 chars) and a real date-time. No regex, no allocation.
 */
function isValidTcForm(s: string): boolean {
  if (s.length !== 20 || s.charCodeAt(19) !== 90 /* Z */ || s.charCodeAt(10) !== 84 /* T */) return false;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false;
  const y1 = two(s, 0);
  const y2 = two(s, 2);
  const mo = two(s, 5);
  const d = two(s, 8);
  const h = two(s, 11);
  const mi = two(s, 14);
  const sec = two(s, 17);
  if (y1 < 0 || y2 < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return false;
  return validFields(y1 * 100 + y2, mo, d, h, mi, sec);
}

/** Numeric epoch string (Python `float()` syntax without `inf`/`nan`/underscores). */
const NUMERIC_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * ISO-8601 extended calendar date, optionally with a time (`T`, `t` or one space), optional seconds, optional
 * fraction (`.` or `,`, any number of digits, cut) and optional zone (`Z`, `±HH`, `±HHMM`, `±HH:MM`; none = UTC).
 */
const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

/**
 * RFC 2822 §3.3 date-time (also RFC 1123 / HTTP IMF-fixdate): optional weekday, 1–2 digit day, English month
 * abbreviation, 4-digit year, `HH:MM[:SS]`, zone `±HHMM` or `GMT`/`UT`/`UTC`/`Z` or a US zone (§4.3). Case-insensitive.
 */
const RFC2822_RE =
  /^(?:(mon|tue|wed|thu|fri|sat|sun),\s*)?(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+([+-]\d{4}|gmt|utc|ut|z|est|edt|cst|cdt|mst|mdt|pst|pdt)$/i;

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};
/** RFC 2822 §4.3 obsolete zones, in minutes east of UTC. */
const ZONES: Readonly<Record<string, number>> = {
  gmt: 0, utc: 0, ut: 0, z: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
};

function parseIso(s: string): number | undefined {
  const m = ISO_RE.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  if (!validFields(y, mo, d, h, mi, sec)) return undefined;
  let offset = 0;
  if (m[8] !== undefined) {
    const oh = Number(m[9]);
    const om = m[10] === undefined ? 0 : Number(m[10]);
    if (oh > 23 || om > 59) return undefined;
    offset = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return fieldsToMs(y, mo, d, h, mi, sec, offset);
}

function parseRfc2822(s: string): number | undefined {
  const m = RFC2822_RE.exec(s);
  if (!m) return undefined;
  const d = Number(m[2]);
  const mo = MONTHS[(m[3] as string).toLowerCase()] as number;
  const y = Number(m[4]);
  const h = Number(m[5]);
  const mi = Number(m[6]);
  const sec = m[7] === undefined ? 0 : Number(m[7]);
  if (!validFields(y, mo, d, h, mi, sec)) return undefined;
  const zone = m[8] as string;
  let offset: number;
  if (zone[0] === '+' || zone[0] === '-') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(3, 5));
    if (oh > 23 || om > 59) return undefined;
    offset = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  } else {
    offset = ZONES[zone.toLowerCase()] as number;
  }
  // The weekday (m[1]) is checked for syntax only, not against the date, as Python's email.utils and arrow do:
  // the reference's own example `Tue, 03 Mar 2017` names the wrong day (2017-03-03 was a Friday).
  return fieldsToMs(y, mo, d, h, mi, sec, offset);
}

/**
 * Relative English phrase through chrono-node, in UTC, relative to `now`. Accepted only when chrono consumed the
 * whole string as one instant (no range, no trailing garbage) AND the result is relative (`result/relativeDate*`:
 * `2 days ago`, `in 3 hours`, `last week`; or `casualReference/*`: `now`, `today`, `yesterday`, `tomorrow`,
 * `tonight`). Absolute phrases chrono knows (`March 3 2017`, `03/04/2017`, bare weekdays or times) are rejected:
 * their reading depends on locale conventions.
 */
function parseRelative(s: string, now: Date): number | undefined {
  if (s.length === 0 || s.length > MAX_RELATIVE_LENGTH) return undefined;
  const results = chrono.casual.parse(s, { instant: now, timezone: 'UTC' });
  if (results.length !== 1) return undefined;
  const r = results[0];
  if (r === undefined || r.index !== 0 || r.text.length !== s.length || r.end) return undefined;
  let relative = false;
  for (const tag of r.tags()) {
    if (tag.startsWith('result/relativeDate') || tag.startsWith('casualReference/')) {
      relative = true;
      break;
    }
  }
  return relative ? r.start.date().getTime() : undefined;
}

function fail(value: unknown, field: string | undefined): never {
  throw new ValidationError({ field, rule: DATE_RULE, value, code: INVALID_DATE_CODE });
}

function isDate(v: unknown): v is Date {
  return v instanceof Date || Object.prototype.toString.call(v) === '[object Date]';
}

/**
 * Converts any supported date to ThreatConnect's wire form `YYYY-MM-DDTHH:mm:ssZ`, in UTC (README: Design notes; the
 * reference keeps the wall clock and drops the offset, ThreatConnect TcEx Batch module). Sub-second parts are cut (towards the
 * past), never rounded.
 *
 * Accepted input:
 * - `Date`: its instant.
 * - number, or a string in Python `float()` syntax (`'1510686617'`, `'1510686617.5'`): epoch, unit by magnitude:
 *   `|n| >= 1e14` microseconds, `|n| >= 1e11` milliseconds, otherwise seconds. All-digit strings are always epoch
 *   (ISO-8601 basic format `20170303` is not supported).
 * - ISO-8601 extended calendar dates: `2008-12-12` (midnight UTC), `2017-02-02T01:02:03`, `2017-02-02 01:02:03`,
 *   `2017-02-02T01:02`, with a fraction (`.400306`, cut) and a zone `Z`, `±HH:MM`, `±HHMM` or `±HH`; no zone = UTC.
 * - RFC 2822 / HTTP dates: `Tue, 03 Mar 2017 18:00:00 GMT`, `3 Mar 2017 18:00 -0600`; the weekday, when given,
 *   is not checked against the date (as Python's `email.utils` and arrow).
 * - relative English phrases (chrono-node, computed in UTC from `options.now ?? new Date()`): `now`, `today`,
 *   `yesterday`, `tomorrow`, `2 days ago`, `3 hours ago`, `in 2 days`, `last week`, `2 weeks from now`,
 *   `yesterday at 5pm`. `today`/`yesterday`/`N days ago` keep the time of day of `now`.
 *
 * Strings are trimmed first. The range is 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z (Python `datetime`).
 *
 * @param value - the date.
 * @param options - `now` for relative phrases, `field` for the error.
 * @returns e.g. `'2017-03-04T00:00:00Z'` for `'2017-03-03T18:00:00-06:00'`.
 * @throws {ValidationError} code `TCB_INVALID_DATE`, `field` = `options.field`, `value` = the input as given, `rule`
 *   = {@link DATE_RULE}: for null/undefined, non-date types, `NaN`/`±Infinity`, an invalid `Date`, unknown syntax,
 *   impossible calendar dates (`2017-02-30`, `24:00:00`, leap second `:60`), out-of-range instants, phrases chrono
 *   parses only in part (`2 days ago foo`) or reads as absolute dates, and an invalid `options.now` when it is needed.
 */
export function toTcDate(value: DateInput, options?: ToTcDateOptions): string {
  const field = options?.field;
  if (typeof value === 'string') {
    if (isValidTcForm(value)) return value;
    const s = value.trim();
    let ms: number | undefined;
    if (NUMERIC_RE.test(s)) ms = epochToMs(Number(s));
    else if (s.length >= 10 && dig(s, 0) >= 0 && dig(s, 3) >= 0 && s.charCodeAt(4) === 45) ms = parseIso(s);
    else {
      ms = parseRfc2822(s);
      if (ms === undefined) {
        const now = options?.now ?? new Date();
        if (!isDate(now) || Number.isNaN(now.getTime())) fail(value, field);
        ms = parseRelative(s, now);
      }
    }
    const out = ms === undefined ? undefined : formatMs(ms);
    return out ?? fail(value, field);
  }
  if (typeof value === 'number') return formatMs(epochToMs(value)) ?? fail(value, field);
  if (isDate(value)) return formatMs(value.getTime()) ?? fail(value, field);
  return fail(value, field);
}
