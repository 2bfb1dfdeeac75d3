import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { DATE_RULE, INVALID_DATE_CODE, toTcDate, type DateInput } from '../../src/model/dates.js';

/** Fixed reference instant for relative phrases: a Monday, with milliseconds to check they are cut. */
const NOW = new Date('2020-06-15T12:34:56.789Z');
const RULE =
  'a date is a Date, epoch seconds/ms, ISO-8601, RFC 2822 or a relative phrase such as "2 days ago" (README: Design notes)';

function expectInvalid(value: unknown, options?: { now?: Date; field?: string }): ValidationError {
  try {
    toTcDate(value as DateInput, options);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    const err = e as ValidationError;
    expect(err.code).toBe('TCB_INVALID_DATE');
    expect(err.field).toBe(options?.field);
    expect(err.rule).toBe(RULE);
    if (typeof value === 'number' && Number.isNaN(value)) expect(err.value).toBeNaN();
    else expect(err.value).toBe(value);
    return err;
  }
  return expect.unreachable(`toTcDate(${String(value)}) did not throw`);
}

describe('toTcDate: tcex-batch.md §6 examples, converted to UTC (DESIGN.md §3)', () => {
  it.each<[DateInput, string]>([
    ['2017-03-03T18:00:00-06:00', '2017-03-04T00:00:00Z'], // the DESIGN test (the reference gives 2017-03-03T18:00:00Z)
    ['2021-01-01T05:00:00+05:00', '2021-01-01T00:00:00Z'],
    ['2017-11-08T16:52:42.400306+00:00', '2017-11-08T16:52:42Z'],
    ['2008-12-12', '2008-12-12T00:00:00Z'],
    [1510686617, '2017-11-14T19:10:17Z'],
    ['1510686617', '2017-11-14T19:10:17Z'],
    [1510686617123, '2017-11-14T19:10:17Z'],
    ['1510686617123', '2017-11-14T19:10:17Z'],
    ['Tue, 03 Mar 2017 18:00:00 GMT', '2017-03-03T18:00:00Z'],
    ['2017-02-02 01:02:03', '2017-02-02T01:02:03Z'],
  ])('%j -> %s', (input, expected) => {
    expect(toTcDate(input)).toBe(expected);
  });
  it('exports the rule text and code it throws with', () => {
    expect(DATE_RULE).toBe(RULE);
    expect(INVALID_DATE_CODE).toBe('TCB_INVALID_DATE');
  });
});

describe('toTcDate: output form (fast path)', () => {
  it.each(['2017-11-14T19:10:17Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2016-02-29T23:59:59Z', '2000-02-29T00:00:00Z'])(
    'returns %s unchanged',
    (s) => {
      expect(toTcDate(s)).toBe(s);
    },
  );
  it.each([
    '2017-02-30T00:00:00Z',
    '2017-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2017-13-01T00:00:00Z',
    '2017-00-01T00:00:00Z',
    '2017-01-00T00:00:00Z',
    '2017-04-31T00:00:00Z',
    '2017-01-01T24:00:00Z',
    '2017-01-01T23:60:00Z',
    '2017-01-01T23:59:60Z',
    '0000-01-01T00:00:00Z',
    '2017-01-0aT00:00:00Z',
  ])('rejects the impossible %s', (s) => {
    expectInvalid(s, { field: 'dateAdded' });
  });
  it('trims surrounding whitespace', () => {
    expect(toTcDate(' 2017-11-14T19:10:17Z\n')).toBe('2017-11-14T19:10:17Z');
  });
});

describe('toTcDate: ISO-8601', () => {
  it.each<[string, string]>([
    ['2017-03-03T18:00:00Z', '2017-03-03T18:00:00Z'],
    ['2017-03-03T18:00:00z', '2017-03-03T18:00:00Z'],
    ['2017-03-03t18:00:00Z', '2017-03-03T18:00:00Z'],
    ['2017-03-03T18:00:00', '2017-03-03T18:00:00Z'],
    ['2017-03-03T18:00', '2017-03-03T18:00:00Z'],
    ['2017-03-03 18:00', '2017-03-03T18:00:00Z'],
    ['2017-03-03T18:00:00.999Z', '2017-03-03T18:00:00Z'],
    ['2017-03-03T18:00:00,5Z', '2017-03-03T18:00:00Z'],
    ['2017-03-03T18:00:00.123456789', '2017-03-03T18:00:00Z'],
    ['2017-03-03T18:00:00.999-0600', '2017-03-04T00:00:00Z'],
    ['2017-03-03T18:00:00-06', '2017-03-04T00:00:00Z'],
    ['2017-03-03T18:00:00+0530', '2017-03-03T12:30:00Z'],
    ['2017-03-03T18:00:00+05:30', '2017-03-03T12:30:00Z'],
    ['2017-03-03T18:00:00+00:00', '2017-03-03T18:00:00Z'],
    ['2017-03-03T18:00:00-00:00', '2017-03-03T18:00:00Z'],
    ['2017-03-03 18:00:00+01:00', '2017-03-03T17:00:00Z'],
    ['2016-12-31T23:30:00-01:00', '2017-01-01T00:30:00Z'], // crosses a year
    ['2016-02-29', '2016-02-29T00:00:00Z'],
    ['2000-02-29T12:00:00Z', '2000-02-29T12:00:00Z'],
    ['1969-07-20T20:17:40Z', '1969-07-20T20:17:40Z'],
    ['0001-01-01T00:00:00', '0001-01-01T00:00:00Z'],
    ['0001-01-01T01:00:00+01:00', '0001-01-01T00:00:00Z'],
    ['9999-12-31T23:59:59.999999', '9999-12-31T23:59:59Z'],
    ['2017-03-03T18:00:00+23:59', '2017-03-02T18:01:00Z'],
  ])('%s -> %s', (input, expected) => {
    expect(toTcDate(input)).toBe(expected);
  });
});

describe('toTcDate: epoch numbers and numeric strings', () => {
  it.each<[DateInput, string]>([
    [0, '1970-01-01T00:00:00Z'],
    ['0', '1970-01-01T00:00:00Z'],
    [-0, '1970-01-01T00:00:00Z'],
    [1e9, '2001-09-09T01:46:40Z'],
    ['1e9', '2001-09-09T01:46:40Z'],
    ['+1510686617', '2017-11-14T19:10:17Z'],
    [1510686617.999, '2017-11-14T19:10:17Z'],
    ['1510686617.999', '2017-11-14T19:10:17Z'],
    ['1510686617.', '2017-11-14T19:10:17Z'],
    [-1.5, '1969-12-31T23:59:58Z'], // cut towards the past, as Python's strftime of fromtimestamp(-1.5)
    ['-1.5', '1969-12-31T23:59:58Z'],
    [99999999999, '5138-11-16T09:46:39Z'], // largest seconds value
    [1e11, '1973-03-03T09:46:40Z'], // smallest milliseconds value
    [-1e11, '1966-10-31T14:13:20Z'],
    [99999999999999, '5138-11-16T09:46:39Z'], // largest milliseconds value
    [1e14, '1973-03-03T09:46:40Z'], // smallest microseconds value
    [1510686617123456, '2017-11-14T19:10:17Z'],
    ['1510686617123456', '2017-11-14T19:10:17Z'],
    [1510686617999999, '2017-11-14T19:10:17Z'],
    [-62135596800, '0001-01-01T00:00:00Z'],
    [-62135596800000000, '0001-01-01T00:00:00Z'], // microseconds
    [253402300799000000, '9999-12-31T23:59:59Z'], // microseconds: years after 5138 need them (or a string or Date)
    ['  1510686617  ', '2017-11-14T19:10:17Z'],
  ])('%j -> %s', (input, expected) => {
    expect(toTcDate(input)).toBe(expected);
  });
  it.each([NaN, Infinity, -Infinity, -62135596801000000, 253402300800000000, 2.6e17, 1e20, -1e20])('rejects %s', (n) => {
    expectInvalid(n, { field: 'eventDate' });
  });
  it.each(['1e400', 'inf', 'nan', 'Infinity', '1_000', '0x10', '1,5', '--1', '1.2.3', '.'])('rejects the string %j', (s) => {
    expectInvalid(s, { field: 'eventDate' });
  });
  it('treats all-digit strings as epoch, not ISO basic format', () => {
    expect(toTcDate('20170303')).toBe('1970-08-22T10:51:43Z');
  });
});

describe('toTcDate: RFC 2822 / HTTP dates', () => {
  it.each<[string, string]>([
    ['Tue, 03 Mar 2017 18:00:00 GMT', '2017-03-03T18:00:00Z'], // weekday not checked (2017-03-03 was a Friday)
    ['Fri, 03 Mar 2017 18:00:00 GMT', '2017-03-03T18:00:00Z'],
    ['03 Mar 2017 18:00:00 GMT', '2017-03-03T18:00:00Z'],
    ['3 Mar 2017 18:00:00 GMT', '2017-03-03T18:00:00Z'],
    ['Fri, 3 Mar 2017 18:00 GMT', '2017-03-03T18:00:00Z'],
    ['Fri,03 Mar 2017 18:00:00 GMT', '2017-03-03T18:00:00Z'],
    ['fri, 03 mar 2017 18:00:00 gmt', '2017-03-03T18:00:00Z'],
    ['Fri, 03 Mar 2017 18:00:00 UT', '2017-03-03T18:00:00Z'],
    ['Fri, 03 Mar 2017 18:00:00 UTC', '2017-03-03T18:00:00Z'],
    ['Fri, 03 Mar 2017 18:00:00 Z', '2017-03-03T18:00:00Z'],
    ['Fri, 03 Mar 2017 18:00:00 +0000', '2017-03-03T18:00:00Z'],
    ['Fri, 03 Mar 2017 18:00:00 -0000', '2017-03-03T18:00:00Z'],
    ['Fri, 03 Mar 2017 18:00:00 -0600', '2017-03-04T00:00:00Z'],
    ['Fri, 03 Mar 2017 18:00:00 +0530', '2017-03-03T12:30:00Z'],
    ['Fri, 03 Mar 2017 18:00:00 EST', '2017-03-03T23:00:00Z'],
    ['Fri, 03 Mar 2017 18:00:00 EDT', '2017-03-03T22:00:00Z'],
    ['Fri, 03 Mar 2017 18:00:00 CST', '2017-03-04T00:00:00Z'],
    ['Fri, 03 Mar 2017 18:00:00 CDT', '2017-03-03T23:00:00Z'],
    ['Fri, 03 Mar 2017 18:00:00 MST', '2017-03-04T01:00:00Z'],
    ['Fri, 03 Mar 2017 18:00:00 MDT', '2017-03-04T00:00:00Z'],
    ['Fri, 03 Mar 2017 18:00:00 PST', '2017-03-04T02:00:00Z'],
    ['Fri, 03 Mar 2017 18:00:00 PDT', '2017-03-04T01:00:00Z'],
    ['Thu, 29 Feb 2024 23:59:59 GMT', '2024-02-29T23:59:59Z'],
  ])('%s -> %s', (input, expected) => {
    expect(toTcDate(input)).toBe(expected);
  });
  it.each([
    'Fri, 03 Mar 2017 18:00:00', // no zone
    'Fri, 32 Mar 2017 18:00:00 GMT',
    'Fri, 29 Feb 2017 18:00:00 GMT',
    'Fri, 03 Foo 2017 18:00:00 GMT',
    'Fry, 03 Mar 2017 18:00:00 GMT',
    'Fri, 03 Mar 17 18:00:00 GMT', // two-digit year
    'Fri, 03 Mar 2017 24:00:00 GMT',
    'Fri, 03 Mar 2017 18:00:00 +2400',
    'Fri, 03 Mar 2017 18:00:00 +0060',
    'Fri, 03 Mar 2017 18:00:00 CET',
    'Friday, 03-Mar-17 18:00:00 GMT', // RFC 850 is not supported
    'Fri Mar  3 18:00:00 2017', // asctime is not supported
  ])('rejects %s', (s) => {
    expectInvalid(s, { field: 'dateAdded', now: NOW });
  });
});

describe('toTcDate: Date objects', () => {
  it.each<[Date, string]>([
    [new Date('2017-11-14T19:10:17.999Z'), '2017-11-14T19:10:17Z'],
    [new Date(0), '1970-01-01T00:00:00Z'],
    [new Date(-1), '1969-12-31T23:59:59Z'],
    [new Date('1900-01-01T00:00:00Z'), '1900-01-01T00:00:00Z'],
    [new Date(Date.UTC(2017, 2, 3, 18)), '2017-03-03T18:00:00Z'],
    [new Date(-62135596800000), '0001-01-01T00:00:00Z'],
    [new Date(253402300799999), '9999-12-31T23:59:59Z'],
  ])('%s -> %s', (d, expected) => {
    expect(toTcDate(d)).toBe(expected);
  });
  it('does not depend on the local time zone', () => {
    const d = new Date(2017, 2, 3, 18, 0, 0); // local wall clock
    expect(toTcDate(d)).toBe(d.toISOString().slice(0, 19) + 'Z');
  });
  it.each([new Date(NaN), new Date('garbage'), new Date(-62135596800001), new Date(253402300800000)])('rejects %s', (d) => {
    expectInvalid(d, { field: 'firstSeen' });
  });
});

describe('toTcDate: relative phrases (chrono-node, UTC, options.now)', () => {
  const savedTz = process.env.TZ;
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  const cases: [string, string][] = [
    ['now', '2020-06-15T12:34:56Z'],
    ['NOW', '2020-06-15T12:34:56Z'],
    ['  now  ', '2020-06-15T12:34:56Z'],
    ['today', '2020-06-15T12:34:56Z'],
    ['yesterday', '2020-06-14T12:34:56Z'],
    ['Yesterday', '2020-06-14T12:34:56Z'],
    ['tomorrow', '2020-06-16T12:34:56Z'],
    ['2 days ago', '2020-06-13T12:34:56Z'],
    ['2 day ago', '2020-06-13T12:34:56Z'],
    ['a day ago', '2020-06-14T12:34:56Z'],
    ['3 hours ago', '2020-06-15T09:34:56Z'],
    ['5 minutes ago', '2020-06-15T12:29:56Z'],
    ['30 seconds ago', '2020-06-15T12:34:26Z'],
    ['1 week ago', '2020-06-08T12:34:56Z'],
    ['last week', '2020-06-08T12:34:56Z'],
    ['1 year ago', '2019-06-15T12:34:56Z'],
    ['in 2 days', '2020-06-17T12:34:56Z'],
    ['in 3 hours', '2020-06-15T15:34:56Z'],
    ['2 weeks from now', '2020-06-29T12:34:56Z'],
    ['next month', '2020-07-15T12:34:56Z'],
    ['yesterday at 5pm', '2020-06-14T17:00:00Z'],
    ['tonight', '2020-06-15T22:00:00Z'],
    ['noon', '2020-06-15T12:00:00Z'],
  ];
  it.each(cases)('%j -> %s (now = 2020-06-15T12:34:56.789Z)', (phrase, expected) => {
    expect(toTcDate(phrase, { now: NOW })).toBe(expected);
  });

  it.each(['Pacific/Kiritimati', 'America/Chicago', 'Asia/Kolkata'])('gives the same results when TZ=%s', (tz) => {
    process.env.TZ = tz;
    for (const [phrase, expected] of cases) expect(toTcDate(phrase, { now: NOW })).toBe(expected);
    expect(toTcDate('2017-02-02 01:02:03')).toBe('2017-02-02T01:02:03Z');
    expect(toTcDate(new Date(Date.UTC(2017, 2, 3, 18)))).toBe('2017-03-03T18:00:00Z');
  });

  it('crosses month and year boundaries in UTC', () => {
    const jan1 = new Date('2021-01-01T00:30:00Z');
    expect(toTcDate('yesterday', { now: jan1 })).toBe('2020-12-31T00:30:00Z');
    expect(toTcDate('1 hour ago', { now: jan1 })).toBe('2020-12-31T23:30:00Z');
  });

  it('defaults now to the current time', () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const out = toTcDate('now');
    const after = Date.now();
    const t = Date.parse(out);
    expect(out).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(after);
  });

  it.each([
    '2 days ago foo', // chrono parses only a part
    'foo 2 days ago',
    'about 2 days ago or so',
    'yesterday to tomorrow', // a range
    'March 3 2017', // absolute: only strict ISO/RFC 2822 parsers take absolute dates
    '03/04/2017', // locale-dependent (MM/DD vs DD/MM)
    '3.4.2017',
    'friday',
    'last friday',
    '5pm',
    'foo',
    'ago',
    'yesterday'.repeat(20), // longer than 100 characters: never handed to chrono
  ])('rejects %j', (s) => {
    expectInvalid(s, { field: 'eventDate', now: NOW });
  });

  it('rejects a relative phrase when options.now is an invalid Date, but not other input', () => {
    expectInvalid('now', { now: new Date(NaN), field: 'dateAdded' });
    expect(toTcDate('2017-02-02 01:02:03', { now: new Date(NaN) })).toBe('2017-02-02T01:02:03Z');
  });
});

describe('toTcDate: rejections', () => {
  it.each<[unknown]>([
    [null],
    [undefined],
    [''],
    ['   '],
    [true],
    [{}],
    [[]],
    [[2017, 3, 3]],
    ['2017-02-30'],
    ['2017-02-29'],
    ['2017-13-01'],
    ['2017-3-3'],
    ['17-03-03'],
    ['2017/03/03'],
    ['2017-03-03T18'],
    ['2017-03-03T1800'],
    ['2017-03-03 T18:00'],
    ['2017-03-03T25:00:00'],
    ['2017-03-03T24:00:00'],
    ['2017-03-03T18:00:60'],
    ['2017-03-03T18:00:00.'],
    ['2017-03-03T18:00:00+24:00'],
    ['2017-03-03T18:00:00+05:60'],
    ['2017-03-03T18:00:00+5'],
    ['2017-03-03T18:00:00 +05:00'],
    ['2017-03-03T18:00:00Zjunk'],
    ['2017-03-03T18:00:00ZZ'],
    ['0000-12-31'],
    ['0001-01-01T00:00:00+00:01'], // before year 1 in UTC
    ['9999-12-31T23:59:59-00:01'], // after year 9999 in UTC
    ['2017-W09-5'],
    ['2017-062'],
  ])('rejects %j', (value) => {
    expectInvalid(value, { field: 'dateAdded', now: NOW });
  });

  it('rejects a bigint', () => {
    expectInvalid(10n, { field: 'dateAdded' });
  });

  it('leaves field undefined without options, keeps the value as given, and names both in the message', () => {
    const err = expectInvalid(' 2017-02-30 ');
    expect(err.field).toBeUndefined();
    expect(err.value).toBe(' 2017-02-30 ');
    const named = expectInvalid('nope', { field: 'eventDate' });
    expect(named.message).toContain('eventDate');
    expect(named.message).toContain('"nope"');
    expect(named.message).toContain(RULE);
  });

  it('keeps an invalid Date object as the error value', () => {
    const d = new Date(NaN);
    expect(expectInvalid(d, { field: 'x' }).value).toBe(d);
  });
});
