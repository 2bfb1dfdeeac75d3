import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import {
  defaultXid,
  generateXid,
  PyFloat,
  pyFloat,
  pyFloatRepr,
  pyStr,
  randomXid,
  type XidPart,
} from '../../src/model/xid.js';

const HEX64 = /^[0-9a-f]{64}$/;
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

describe('generateXid: golden vectors of tcex-batch.md §5 (byte for byte)', () => {
  const vectors: [string | XidPart[], string][] = [
    [['pytest', 'adversary', 'pytest-adversary-i1-001'], '2197e43b831d0d8152ef47c9fa55bd2fb46632548ffa40fc51759e55bea4f205'],
    [['pytest', 'threat', 'pytest-threat-i1-001'], '9ada379c7d1adf626e96735711d34cb973a08399e235840410d9acdae3610163'],
    ['adversary-001', 'aec0634cb2756fc438cd22ea1c742edb74996d0dc43e5a147686d5977ab62ed3'],
    [['adversary-001'], 'ec775111e275c77a1acd3271e68866c4b140872abd3ff425d747d126f082c9cb'],
    [['Adversary', 'adversary-001'], 'a75e6959f48f0e89c243c4d388af1244879b77010d15f02b95c46cf9cdd3ab81'],
    [['Address', '123.124.125.126'], '83b149d033eddea7c6dce711489dc9954231262a4657364b21643a8f89515784'],
    ['123.124.125.126', 'c42c2e2696f19e22029318ea0ffffeb213976da3eaadffd38d13c3926f26cd36'],
    [['File', 'd41d8cd98f00b204e9800998ecf8427e'], '8850ced56982401b6c443bcfd183699a38cac3dcc19274b41d139ecd6ec1c958'],
    [['pytest', 'file', 'a1', 'a1', 'a1'], 'e9e8e798713b7179ec4bca919e1370666e2d8e15a5a807e72d746401783f76bc'],
    ['my-custom-xid', '8f073e1310837993e6c0e019866e3a224995a5307ee59c818524ff321dabff9f'],
    [['a', 1, true, null, 2.5], '93f1084840c1e63008edb5b249bcb12220f0cfdaff9270388f1cec0cd623b4bc'],
    [[], 'cd372fb85148700fa88095e3492d3f9f5beb43e555e5ff26d95f5a6adc36f8e6'],
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    [['Ünïcödé', 'x'], 'a808a9ca03345435caa832a9d362fbad6185b9173e44fae1d83851f7345bca28'],
  ];
  it.each(vectors)('generateXid(%j) = %s', (input, expected) => {
    expect(generateXid(input)).toBe(expected);
  });

  it('a list is double hashed, a string single hashed', () => {
    expect(generateXid(['a', 'b'])).toBe(sha(sha('a-b')));
    expect(generateXid('a-b')).toBe(sha('a-b'));
    expect(generateXid([])).toBe(sha(sha('')));
  });

  it('pyFloat items (computed with CPython 3: hashlib.sha256(sha256("-".join(map(str, ids)))))', () => {
    // ids = ['a', 1, True, None, 2.5, 1.0, False, -3, 1e16, nan, inf, -inf, 0.1]
    const ids: XidPart[] = ['a', 1, true, null, 2.5, pyFloat(1), false, -3, pyFloat(1e16), NaN, Infinity, -Infinity, 0.1];
    expect(ids.map(pyStr).join('-')).toBe('a-1-True-None-2.5-1.0-False--3-1e+16-nan-inf--inf-0.1');
    expect(generateXid(ids)).toBe('472f9a6e76d2b7a3c37cbcbcc23ca2ab3a2b65af02690ac38a9f58645fe3410c');
  });

  it('order matters; no trimming or case folding', () => {
    expect(generateXid(['a', 'b'])).not.toBe(generateXid(['b', 'a']));
    expect(generateXid(' x')).not.toBe(generateXid('x'));
    expect(generateXid('X')).not.toBe(generateXid('x'));
  });

  it('accepts readonly arrays', () => {
    const ro = ['Adversary', 'adversary-001'] as const;
    expect(generateXid(ro)).toBe('a75e6959f48f0e89c243c4d388af1244879b77010d15f02b95c46cf9cdd3ab81');
  });

  it('undefined: sha256 of a random uuid4 (64 hex, different each call)', () => {
    const a = generateXid();
    const b = generateXid(undefined);
    expect(a).toMatch(HEX64);
    expect(b).toMatch(HEX64);
    expect(a).not.toBe(b);
  });

  it.each([[123], [{}], [true], [null], [new Date(0)]])('rejects a non-string non-list identifier %j', (bad) => {
    try {
      generateXid(bad as never);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).code).toBe('TCB_INVALID_XID');
      expect((e as ValidationError).field).toBe('xid');
      expect((e as ValidationError).value).toBe(bad);
    }
  });

  it.each([[undefined], [{}], [[1]], [Symbol('s')], [10n]])('rejects a list item that is not an XidPart (%s)', (bad) => {
    try {
      generateXid(['a', bad as never]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).code).toBe('TCB_INVALID_XID');
      expect((e as ValidationError).value).toBe(bad);
    }
  });
});

describe('pyStr: Python str() of list items', () => {
  it.each<[XidPart, string]>([
    ['abc', 'abc'],
    ['', ''],
    [true, 'True'],
    [false, 'False'],
    [null, 'None'],
    [0, '0'],
    [-0, '0'],
    [1, '1'],
    [-3, '-3'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
    [1e21, '1000000000000000000000'],
    [-1e21, '-1000000000000000000000'],
    [1e16, '10000000000000000'],
    [2.5, '2.5'],
    [0.1, '0.1'],
    [1e-5, '1e-05'],
    [pyFloat(1.5e300), '1.5e+300'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [pyFloat(1), '1.0'],
    [pyFloat(0), '0.0'],
    [pyFloat(-0), '-0.0'],
    [pyFloat(1e16), '1e+16'],
  ])('pyStr(%s) = %s', (part, expected) => {
    expect(pyStr(part)).toBe(expected);
  });
});

describe('pyStr: integral JS numbers are Python ints, exactly', () => {
  it('1.5e300 (an integral double) renders its exact integer digits; wrap it with pyFloat for the float form', () => {
    expect(pyStr(1.5e300)).toBe(BigInt(1.5e300).toString());
    expect(pyStr(1.5e300)).toMatch(/^15000000000000000787571403828066303730567028716622387/);
    expect(pyStr(pyFloat(1.5e300))).toBe('1.5e+300');
  });
});

describe('pyFloat / pyFloatRepr: Python float repr', () => {
  it('pyFloat returns a PyFloat marker that renders as Python', () => {
    const f = pyFloat(1);
    expect(f).toBeInstanceOf(PyFloat);
    expect(f.value).toBe(1);
    expect(String(f)).toBe('1.0');
    expect(`${pyFloat(1e16)}`).toBe('1e+16');
    expect(pyFloat(0.1).toString()).toBe('0.1');
    expect(pyFloat(NaN).toString()).toBe('nan');
    expect(pyFloat(Infinity).toString()).toBe('inf');
    expect(pyFloat(-Infinity).toString()).toBe('-inf');
  });

  // Each expected string is CPython 3 repr(x); x is the double obtained by parsing that string.
  it.each<[number, string]>([
    [1, '1.0'],
    [100, '100.0'],
    [123, '123.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [0.5, '0.5'],
    [2.5, '2.5'],
    [0.1, '0.1'],
    [0.0001, '0.0001'],
    [0.00012345, '0.00012345'],
    [0.00001, '1e-05'],
    [9.999e-5, '9.999e-05'],
    [-1e-7, '-1e-07'],
    [1e15, '1000000000000000.0'],
    [7e15, '7000000000000000.0'],
    [9999999999999998, '9999999999999998.0'],
    [1e16, '1e+16'],
    [1e21, '1e+21'],
    [1e22, '1e+22'],
    [123456789012345.6, '123456789012345.6'],
    [1234567890123456.7, '1234567890123456.8'],
    [1.5e300, '1.5e+300'],
    [5e-324, '5e-324'],
    [Number.MAX_VALUE, '1.7976931348623157e+308'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ])('pyFloatRepr(%s) = %s', (n, expected) => {
    expect(pyFloatRepr(n)).toBe(expected);
  });

  // 124 reprs produced by CPython 3 (random bit patterns and every decade from 1e-8 to 1e19).
  const CPYTHON_REPRS = [
    '-1.989032661366619e+244', '7.761117632285041e+178', '3.980498358697587e-249', '-1.5432835417340557e+88', '1.3647584518757569e-192', '-1.3701135617873088e-206', '-1.7160537630466207e+197', '6.294675241195386e-44', '1.0613447212142254e-202', '4.708325160387546e+207', '6.387016158513563e-12', '-9.973130378568733e-246', '8.779753225680271e-236', '-5.795503248498993e-228', '-5.988180159386011e+243', '-1.306052388527796e-147', '-2.436117699484841e-206', '2.233386999150174e-232', '-3.51527970626667e-203', '1.5987381841032883e-247', '4.6678633181812096e-36', '-8.441872792105456e-239', '1.9015657400796622e-144', '7.370437700706684e+208', '-1.7163996725272777e-258', '-3.2367190832119987e-221', '-2.2818334634712625e-234', '-3.0536383926309363e-84', '1.3449551894627777e-181', '-7.317495976062606e-221', '5.249822308814304e-77', '1.5450754142984396e-188', '-3.953625698224792e-47', '-2.72491267476498e-229', '-6.505141861548772e-162', '1.441484839555994e+304', '-1.4583679262758548e-269', '-7.939416668807721e+33', '1.4255183989699612e+266', '-1.525315701232403e+214', '7.750545741548908e+137', '0.024301399287089676', '5.326960081783017e-87', '-1.2570882301712172e+37', '9.952684009002448e-208', '1.8721667527122837e+62', '3.422978398947072e+302', '3.6967297937384553e+115', '3.113284956169447e+245', '-2.6202582260546103e-174', '2.0745096302730225e-218', '-5.877500503097409e-294', '2.938345597354166e-105', '6.529598674765832e+113', '-1.9837344250050814e+226', '1.0743030475716402e+212', '-5.629271400715247e+261', '5.743310614918485e-213', '-4.61515470702556e-237', '-3.302201168194502e+48', '8.879300306477995e-08', '-1e-08', '3.823727615632871e-07', '-1e-07', '7.2576582964629335e-06', '-1e-06', '6.349328893945167e-05', '-1e-05', '0.0006219056838542429', '-0.0001', '0.005105847981712717', '-0.001', '0.08559710024612872', '-0.01', '0.9502129855971436', '-0.1', '5.2668850367768005', '-1.0', '69.7736984927207', '-10.0', '154.60248483749774', '-100.0', '7313.428191739815', '-1000.0', '68241.59690749018', '-10000.0', '993786.3455199708', '-100000.0', '8397323.079487436', '-1000000.0', '35613597.88847343', '-10000000.0', '447212298.2020397', '-100000000.0', '7017874442.957694', '-1000000000.0', '12030663525.002972', '-10000000000.0', '515525757669.78925', '-100000000000.0', '2512435410158.901', '-1000000000000.0', '20538621503355.87', '-10000000000000.0', '153058977398179.38', '-100000000000000.0', '7914096896252687.0', '-1000000000000000.0', '2.164061998168158e+16', '-1e+16', '3.2285335032722285e+17', '-1e+17', '4.5185473281990436e+18', '-1e+18', '8.842797767136695e+19', '-1e+19', '0.5', '0.25', '0.0001', '9.999e-05', '9999999999999998.0', '9999999999999998.0', '123.0', '7000000000000000.0',
  ];
  it('matches CPython repr for 124 generated doubles', () => {
    expect(CPYTHON_REPRS.length).toBe(124);
    for (const s of CPYTHON_REPRS) expect(pyFloatRepr(Number(s))).toBe(s);
  });
});

describe('defaultXid (DESIGN.md §3: single hash of type-value)', () => {
  it('Adversary adversary-001', () => {
    expect(defaultXid('Adversary', 'adversary-001')).toBe('2dcb052f3ed4acb0e87e9ca52b2aa7170d3534ad81cd5fec97362bc1015d3ba6');
  });
  it('Address 123.124.125.126', () => {
    expect(defaultXid('Address', '123.124.125.126')).toBe('4ce11aff4ace6231398c1783a8ee405c4f46840438bd35da53103c883e2561d2');
  });
  it('is sha256 of the UTF-8 of "type-value" (same as generateXid of that string)', () => {
    expect(defaultXid('Adversary', 'adversary-001')).toBe(generateXid('Adversary-adversary-001'));
    expect(defaultXid('Host', 'ünïcödé.example')).toBe(sha('Host-ünïcödé.example'));
    expect(defaultXid('', '')).toBe(sha('-'));
  });
  it('differs from the list form of generateXid (which double hashes)', () => {
    expect(defaultXid('Address', '123.124.125.126')).not.toBe(generateXid(['Address', '123.124.125.126']));
  });
  it('is deterministic', () => {
    expect(defaultXid('Address', '1.2.3.4')).toBe(defaultXid('Address', '1.2.3.4'));
  });
});

describe('randomXid', () => {
  it('is a lower-case uuid4 string, different each call', () => {
    const a = randomXid();
    const b = randomXid();
    expect(a).toMatch(UUID4);
    expect(b).toMatch(UUID4);
    expect(a).not.toBe(b);
  });
});
