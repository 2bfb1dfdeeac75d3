// User-visible text (schemas, generated code, src, codegen, bin, README, docs) cites public
// ThreatConnect documentation by page name, never the project's own notes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicText } from '../../src/emulator/errors.js';
import { validateAsn } from '../../src/index.js';

const ROOT = join(import.meta.dirname, '../..');
const TEXT = /\.(ts|js|json|md|yaml|hbs|html|css)$/;

function files(path: string): string[] {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((e) =>
    TEXT.test(e.name) || e.isDirectory() ? files(join(path, e.name)) : [],
  );
}

const NOTES = [
  /\b(tc-batch-api|tcex-batch|seed-batch|DESIGN|aesthetics)\.md\b/i,
  /\bDOCS-(V2B|V1B|IF|GF|OLD|QS|ERR|OV|V3)\b/,
  /\b(TCEX-SUB|TCEX-BAT|TCEX-AUTH|PYSDK|JSSDK|ERRGUIDE)\b/,
  // section numbers of the notes; RFC and STIX sections are public
  /(?<!(RFC \d+|STIX 2\.1( spec)?) )§/,
];

describe('rule sources', () => {
  it('no user-visible text names the project notes or their section numbers', () => {
    const found: string[] = [];
    for (const f of ['schemas', 'generated', 'src', 'codegen', 'bin', 'docs', 'README.md'].flatMap((p) =>
      files(join(ROOT, p)),
    )) {
      readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (NOTES.some((re) => re.test(line)))
            found.push(`${relative(ROOT, f)}:${i + 1}: ${line.trim().slice(0, 120)}`);
        });
    }
    expect(found).toStrictEqual([]);
  });

  it('a rule text names its public source; the emulator drops the citation', () => {
    const r = validateAsn({ type: 'ASN', summary: 'AS123' });
    expect(r.valid ? [] : r.issues.map((i) => i.rule)).toStrictEqual([
      "an ASN is 'ASN' followed by digits with no space, e.g. ASN12345 (ThreatConnect API: common errors)",
    ]);
    expect(
      publicText("an ASN is 'ASN' followed by digits with no space, e.g. ASN12345 (ThreatConnect API: common errors)"),
    ).toBe("an ASN is 'ASN' followed by digits with no space, e.g. ASN12345");
    expect(publicText('a tag (HKLM is rejected) is 1 to 128 characters (ThreatConnect V2 API: tags)')).toBe(
      'a tag (HKLM is rejected) is 1 to 128 characters',
    );
  });
});
