// Rule sources a user can read (issue 11 item 7): user-visible text (schemas, generated code, the
// runtime, docs, README) cites public ThreatConnect documentation pages by name or a doc inside this
// repository, never the project's private notes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicText } from '../../src/emulator/errors.js';

const root = resolve(import.meta.dirname, '../..');

/** Private note files (and the source keys of their tables) a user of tcbatch does not have. */
const PRIVATE = /\b(?:tc-batch-api|tcex-batch|DESIGN|seed-batch)\.md\b|\bDOCS-(?:IF|GF|V2B|V1B|V3|OLD|QS|ERR|OV)\b|\bTCEX-(?:SUB|BAT|AUTH)\b|\bERRGUIDE\b/;

/** Public documentation pages rule texts may cite. */
const PAGES = [
  'ThreatConnect V2 Batch API',
  'ThreatConnect V2 Batch API: batch input file',
  'ThreatConnect V2 Batch API: indicator fields',
  'ThreatConnect V2 Batch API: group fields',
  'ThreatConnect V2 Batch API: associations',
  'ThreatConnect V2 Batch API: batch job settings',
  'ThreatConnect V2 Batch API: batch status',
  'ThreatConnect V2 Batch API: batch job errors',
  'ThreatConnect V2 Batch API: limits',
  'ThreatConnect REST API: indicator types',
  'ThreatConnect REST API: group types',
  'ThreatConnect REST API: authentication',
  'ThreatConnect TcEx Batch module',
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const TEXT = /\.(?:ts|js|mjs|cjs|json|md|ya?ml|html|css|txt)$/;
const checked = [...['schemas', 'generated', 'src', 'docs'].flatMap((d) => files(join(root, d))), join(root, 'README.md')].filter((f) => TEXT.test(f));

function ruleTexts(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const v of node) ruleTexts(v, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'x-tc-rule' && typeof v === 'string') out.push(v);
      else ruleTexts(v, out);
    }
  }
  return out;
}

describe('rule sources', () => {
  it('covers the schemas, generated code, runtime, docs and README', () => {
    const rel = checked.map((f) => relative(root, f));
    expect(rel).toContain('README.md');
    expect(rel).toContain('schemas/common/defs.json');
    expect(rel).toContain('generated/catalog.ts');
    expect(rel).toContain('src/model/builder.ts');
    expect(rel).toContain('docs/users.example.yaml');
  });

  it('no file names the private notes or their source keys', () => {
    const hits = checked.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) => (PRIVATE.test(line) ? [`${relative(root, f)}:${i + 1}: ${line.trim().slice(0, 120)}`] : [])),
    );
    expect(hits).toEqual([]);
  });

  it('every x-tc-rule that cites a ThreatConnect page names one of the public pages', () => {
    const rules = files(join(root, 'schemas'))
      .filter((f) => f.endsWith('.json'))
      .flatMap((f) => ruleTexts(JSON.parse(readFileSync(f, 'utf8'))));
    expect(rules.length).toBeGreaterThan(50);
    const cited = rules.flatMap((r) => [...r.matchAll(/ThreatConnect (?:V2 Batch API|REST API|TcEx Batch module)(?::[^;,)]*)?/g)].map((m) => m[0].trim()));
    expect(cited.length).toBeGreaterThan(30);
    expect([...new Set(cited)].filter((p) => !PAGES.includes(p))).toEqual([]);
  });

  it('the emulator answers rule texts without their citations, as ThreatConnect does', () => {
    expect(publicText('a tag name is 1 to 128 characters (ThreatConnect V2 Batch API: limits)')).toBe('a tag name is 1 to 128 characters');
    expect(publicText('side 1 needs ref_1 (TC >= 7.8.2, ThreatConnect V2 Batch API: associations).')).toBe('side 1 needs ref_1.');
    expect(publicText('a date (README: Design notes) x')).toBe('a date x');
    expect(publicText('Invalid timestamp (0x1003)')).toBe('Invalid timestamp (0x1003)');
  });
});
