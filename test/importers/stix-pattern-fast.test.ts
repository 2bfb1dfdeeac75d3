import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePattern, parseWithGrammar, simplePattern, StixPatternSyntaxError } from '../../src/importers/stix-pattern.js';

/** The outcome of a parse: the tree, or the error's code and message. */
function outcome(parse: (p: string) => unknown, pattern: string): unknown {
  try {
    return { tree: parse(pattern) };
  } catch (e) {
    expect(e).toBeInstanceOf(StixPatternSyntaxError);
    return { error: (e as StixPatternSyntaxError).message, offset: (e as StixPatternSyntaxError).offset };
  }
}

describe('STIX pattern: the shortcut for one string comparison', () => {
  it('takes the common forms without the grammar and gives its exact tree', () => {
    const common = ["[ipv4-addr:value = '198.51.100.1']", "[file:hashes.'SHA-256' = 'aa']", "[domain-name:value == 'a.example']", "  [ url:value  !=  'http://x/\\'y\\\\' ]\n"];
    for (const p of common) {
      expect(simplePattern(p)).toStrictEqual(parseWithGrammar(p));
    }
    expect(simplePattern("[file:hashes.'SHA-256' == 'a\\'b']")).toStrictEqual({
      kind: 'observation',
      comparison: {
        kind: 'test',
        path: { objectType: 'file', steps: ['hashes', 'SHA-256'], text: 'file:hashes.SHA-256' },
        op: '=',
        negated: false,
        value: { kind: 'string', value: "a'b" },
        text: "file:hashes.'SHA-256' == 'a\\'b'",
      },
      text: "[file:hashes.'SHA-256' == 'a\\'b']",
    });
  });

  it('leaves everything else to the grammar', () => {
    for (const p of ["[ipv4-addr:value = 'a'] AND [ipv4-addr:value = 'b']", "[x:values[0] = 'a']", "[x:v NOT = 'a']", "[x:v = 1]", "[x:v = 'a' OR x:v = 'b']", "[x:v = 'a'] REPEATS 2 TIMES", "[\u00e9:v = 'a']", "[x:v = 'a\\b']"]) {
      expect(simplePattern(p)).toBeUndefined();
    }
  });

  it('parsePattern equals the grammar on random patterns (trees, errors and offsets)', () => {
    const piece = fc.constantFrom('[', ']', ' ', '\t', '\n', '\u0000', '\u00a0', ':', '.', "'", '\\', '=', '==', '!=', '<>', '<', '>=', 'ipv4-addr', 'value', 'hashes', "'SHA-256'", 'x_1', '-', '*', '0', 'é', 'AND', 'NOT', ' OR ', "'v'", "'a\\'b'", "'c\\\\'", 'h\'ff\'', '1');
    const simpleLike = fc.tuple(fc.constantFrom('', ' ', '\n ', '\u00a0', '\u2028'), fc.constantFrom('ipv4-addr', 'file', 'x-y', '_a'), fc.array(fc.constantFrom('value', "'SHA-256'", "'a.b'", 'n_2', "'it\\'s'"), { minLength: 1, maxLength: 3 }), fc.constantFrom('=', '==', '!=', '<>', '<=', '>', ' = ', '\t<\t'), fc.string({ maxLength: 6 }).map((v) => `'${v.replace(/['\\]/g, (c) => `\\${c}`)}'`), fc.constantFrom('', ' ', '\u0000', '\ufeff'));
    const pattern = fc.oneof(
      fc.array(piece, { maxLength: 12 }).map((a) => a.join('')),
      simpleLike.map(([lead, type, keys, op, lit, trail]) => `${lead}[${lead}${type}:${keys.join('.')}${op}${lit}${trail}]${trail}`),
    );
    fc.assert(
      fc.property(pattern, (p) => {
        expect(outcome(parsePattern, p)).toStrictEqual(outcome(parseWithGrammar, p));
      }),
      { numRuns: 3000 },
    );
  });
});
