/**
 * codegen output: deterministic (same bytes twice), every file carries the header (in memory and
 * in generated/), generated/ is up to date, and the catalogue holds exactly the schemas' types.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate, staleFiles } from '../../codegen/index.js';
import { groupTypes, indicatorTypes } from '../../generated/catalog.js';
import { GROUP_TYPES, INDICATOR_TYPES } from '../schemas/helpers.js';
import { HEADER, ROOT } from './helpers.js';

const listFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? listFiles(join(dir, n)) : [join(dir, n)]));

describe('codegen determinism', () => {
  let first: Map<string, string>;
  let second: Map<string, string>;
  beforeAll(async () => {
    first = await generate();
    second = await generate();
  }, 60_000);

  it('writes the expected set of files', () => {
    expect([...first.keys()]).toEqual([
      'README.md',
      'builders/index.ts',
      'catalog.ts',
      'client/openapi.ts',
      'schemas/bundle.ts',
      'types/index.ts',
      'validators/index.ts',
      'validators/standalone.d.ts',
      'validators/standalone.js',
    ]);
  });

  it('gives identical bytes on two runs', () => {
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [path, text] of first) expect(Buffer.from(second.get(path)!).equals(Buffer.from(text)), path).toBe(true);
  });

  it('starts every in-memory file with the header', () => {
    const without = [...first].filter(([, text]) => text.split('\n')[0] !== HEADER).map(([p]) => p);
    expect(without).toEqual([]);
  });

  it('starts every file in generated/ with the header', () => {
    const files = listFiles(join(ROOT, 'generated'));
    expect(files.length).toBe(first.size);
    const without = files.filter((f) => readFileSync(f, 'utf8').split('\n')[0] !== HEADER).map((f) => relative(ROOT, f));
    expect(without).toEqual([]);
  });

  it('finds generated/ up to date (staleFiles is empty)', () => {
    expect(staleFiles(first, join(ROOT, 'generated'))).toEqual([]);
  });

  it('formats the output (prettier, no trailing whitespace, final newline)', () => {
    for (const [path, text] of first) {
      expect(text.endsWith('\n'), path).toBe(true);
      expect(/[ \t]+$/m.test(text), path).toBe(false);
    }
  });
});

describe('generated catalogue', () => {
  it('lists the 16 group and 12 indicator types of the schemas', () => {
    expect(Object.keys(groupTypes)).toEqual([...GROUP_TYPES]);
    expect(Object.keys(indicatorTypes)).toEqual([...INDICATOR_TYPES]);
  });

  it('carries the builder metadata of the schemas', () => {
    expect(groupTypes.Signature.args).toEqual(['fileName', 'fileType', 'fileText']);
    expect(groupTypes.Email.args).toEqual(['subject', 'header', 'body']);
    expect(groupTypes.Email.defaults).toEqual({ score: 0 });
    expect(groupTypes.Document).toMatchObject({ method: 'document', args: ['fileName'], fileContent: true, apiBranch: 'documents' });
    expect(groupTypes['Course of Action']).toMatchObject({ method: 'courseOfAction', className: 'CourseOfAction', apiBranch: 'coursesOfAction' });
    expect(groupTypes.Event.fields.status.enum).toContain('No Further Action');
    expect(indicatorTypes.Host.fields.dnsActive).toEqual({ wire: 'flag1', name: 'dnsActive', kind: 'boolean' });
    expect(indicatorTypes.Host.fields.whoisActive).toEqual({ wire: 'flag2', name: 'whoisActive', kind: 'boolean' });
    expect(indicatorTypes.File.fields.size).toEqual({ wire: 'intValue1', name: 'size', kind: 'integer' });
    expect(indicatorTypes.File.values.map((v) => v.field)).toEqual(['md5', 'sha1', 'sha256']);
    expect(indicatorTypes['Registry Key'].values).toEqual([
      { field: 'Key Name', label: 'Key Name', arg: 'keyName' },
      { field: 'Value Name', label: 'Value Name', arg: 'valueName' },
      { field: 'Value Type', label: 'Value Type', arg: 'valueType' },
    ]);
    expect(indicatorTypes.ASN).toMatchObject({ method: 'asn', className: 'Asn', casePreference: 'upper', custom: false });
  });
});
