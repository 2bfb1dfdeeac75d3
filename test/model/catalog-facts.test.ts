// The schema facts the runtime reads through the generated catalogue (issue 11 item 6): metadata
// keys (x-tc-builder), status counts (x-tc-count), the job-fatal texts (x-tc-critical); each is the
// schema's, and the runtime behaves by it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { criticalReasons, metadataTypes, statusCounts } from '../../generated/catalog.js';
import { Batch, CRITICAL_REASONS, ValidationError, hasErrors } from '../../src/index.js';
import { EXCEEDS_LIMIT, UNEXPECTED_EXCEPTION } from '../../src/emulator/records.js';
import { statusCount } from '../../src/submit/accounting.js';

const schema = (p: string) => JSON.parse(readFileSync(resolve(import.meta.dirname, '../../schemas', p), 'utf8'));
const defs = schema('common/defs.json').$defs;

describe('catalogue facts', () => {
  it('metadataTypes are the x-tc-builder blocks of common/defs.json', () => {
    expect(metadataTypes).toStrictEqual({
      securityLabel: defs.securityLabel['x-tc-builder'],
      attribute: defs.attribute['x-tc-builder'],
      tag: defs.tag['x-tc-builder'],
      fileOccurrence: defs.fileOccurrence['x-tc-builder'],
    });
    expect(metadataTypes.attribute.key).toStrictEqual(['type', 'value']);
    expect('key' in metadataTypes.fileOccurrence).toBe(false);
  });

  it('builders merge metadata by the keys: same attribute type and value, label name, tag name; occurrences never', () => {
    const file = new Batch({ owner: 'o' }).file({ md5: 'a'.repeat(32) });
    const a1 = file.attribute('Source', 'x');
    expect(file.attribute('Source', 'x', true)).toBe(a1);
    expect(file.attribute('Source', 'y')).not.toBe(a1);
    const l1 = file.securityLabel('TLP:AMBER', 'first', 'FFC000');
    expect(file.securityLabel('TLP:AMBER', 'second')).toBe(l1);
    file.tag('t').tag('t');
    file.occurrence('a.exe');
    file.occurrence('a.exe');
    expect(file.toJSON()).toStrictEqual({
      summary: 'a'.repeat(32),
      type: 'File',
      xid: file.xid,
      attribute: [
        { type: 'Source', value: 'x' },
        { type: 'Source', value: 'y' },
      ],
      securityLabel: [{ name: 'TLP:AMBER', description: 'first', color: 'FFC000' }],
      tag: [{ name: 't' }],
      fileOccurrence: [{ fileName: 'a.exe' }, { fileName: 'a.exe' }],
    });
  });

  it('a metadata value that is no string (a BigInt, a Symbol) is a ValidationError with the schema rule, never a TypeError', () => {
    const host = new Batch({ owner: 'o' }).host('example.com');
    for (const bad of [1n, Symbol('s'), { name: 'x' }]) {
      let e: unknown;
      try {
        host.tag(bad as never);
      } catch (err) {
        e = err;
      }
      expect(e instanceof ValidationError ? [e.code, e.field, e.rule] : e).toStrictEqual(['TCB_INVALID_VALUE', 'tag', defs.tag.properties.name['x-tc-rule']]);
    }
    expect(host.tags).toStrictEqual([]);
  });

  it('statusCounts are the x-tc-count marks of batch/batch-status.json, and the runtime reads counts by them', () => {
    const props = schema('batch/batch-status.json').properties;
    expect(statusCounts).toStrictEqual(
      Object.fromEntries(
        Object.entries(props).flatMap(([k, v]) =>
          (v as Record<string, unknown>)['x-tc-count'] ? [[k, (v as Record<string, unknown>)['x-tc-count']]] : [],
        ),
      ),
    );
    expect(Object.keys(statusCounts)).toHaveLength(9);
    const s = {
      status: 'Completed' as const,
      successCount: 3,
      errorCount: 0,
      unprocessCount: 0,
      errorAssociationCount: 1,
    };
    expect([
      statusCount(s, 'all', 'success'),
      statusCount(s, 'association', 'error'),
      statusCount(s, 'group', 'success'),
    ]).toStrictEqual([3, 1, undefined]);
    expect([
      hasErrors(s),
      hasErrors({ status: 'Completed', errorCount: 0 }),
      hasErrors({ status: 'Completed', errorGroupCount: 2 }),
    ]).toStrictEqual([true, false, true]);
  });

  it('the job-fatal texts are x-tc-critical of batch/error-record.json, for submit and the emulator', () => {
    const critical = schema('batch/error-record.json')['x-tc-critical'];
    expect(criticalReasons).toStrictEqual(critical);
    expect(CRITICAL_REASONS).toStrictEqual([
      'Encountered an unexpected Exception while processing batch job',
      'would exceed the number of allowed indicators',
    ]);
    expect([UNEXPECTED_EXCEPTION, EXCEEDS_LIMIT]).toStrictEqual(critical);
  });
});
