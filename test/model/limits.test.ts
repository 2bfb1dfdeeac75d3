// Shared value limits reach the runtime through the generated catalog (issue 11 item 6): the
// catalog's `limits` are those of schemas/common/defs.json, and the parsers and builders refuse
// values with the schemas' rule texts.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { jobConfigEnums, limits } from '../../generated/catalog.js';
import { registerSubmit } from '../../src/cli/submit.js';
import { parseConfidence, parseRating } from '../../src/values.js';
import { Batch } from '../../src/index.js';
import { thrown } from '../support/thrown.js';

const defs = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../schemas/common/defs.json'), 'utf8')).$defs;


describe('catalog limits', () => {
  it('are the schemas values', () => {
    expect(limits).toEqual({
      rating: { minimum: 0, maximum: 5, integer: false, rule: defs.rating['x-tc-rule'] },
      confidence: { minimum: 0, maximum: 100, integer: true, rule: defs.confidence['x-tc-rule'] },
      tagName: { minLength: 1, maxLength: 128, rule: defs.tag.properties.name['x-tc-rule'] },
      labelColor: { pattern: '^[0-9A-Fa-f]{6}$', rule: defs.securityLabel.properties.color['x-tc-rule'] },
    });
    expect(limits.rating.rule).toBe('rating is a number from 0 to 5 (ThreatConnect REST API: indicator types)');
  });

  it('rating and confidence edges', () => {
    expect(parseRating(5)).toBe(5);
    expect(parseRating('0')).toBe(0);
    const r = thrown(() => parseRating(5.01));
    expect([r.code, r.field, r.rule, r.value]).toEqual(['TCB_INVALID_RATING', 'rating', defs.rating['x-tc-rule'], 5.01]);
    expect(parseConfidence(100)).toBe(100);
    const c = thrown(() => parseConfidence(101));
    expect([c.code, c.field, c.rule, c.value]).toEqual(['TCB_INVALID_CONFIDENCE', 'confidence', defs.confidence['x-tc-rule'], 101]);
    expect(thrown(() => parseConfidence(-1)).code).toBe('TCB_INVALID_CONFIDENCE');
  });

  it('tag name length', () => {
    const batch = new Batch({ owner: 'MyOrg' });
    const a = batch.address('1.2.3.4');
    a.tag('t'.repeat(128));
    const e = thrown(() => a.tag('t'.repeat(129)));
    expect([e.code, e.field, e.rule]).toEqual(['TCB_INVALID_VALUE', 'tag', defs.tag.properties.name['x-tc-rule']]);
    expect(thrown(() => a.tag('')).rule).toBe(defs.tag.properties.name['x-tc-rule']);
    expect(a.toJSON().tag).toEqual([{ name: 't'.repeat(128) }]);
  });
});

describe('security label colour', () => {
  it('is checked with the schema pattern and rule', () => {
    const batch = new Batch({ owner: 'MyOrg' });
    const a = batch.address('1.2.3.4');
    const label = a.securityLabel('TLP:AMBER', undefined, 'FFC000');
    expect(label.color).toBe('FFC000');
    const e = thrown(() => (label.color = 'FFC00'));
    expect([e.code, e.field, e.rule, e.value]).toEqual(['TCB_INVALID_VALUE', 'securityLabel.color', defs.securityLabel.properties.color['x-tc-rule'], 'FFC00']);
    expect(thrown(() => a.securityLabel('X', undefined, 'GGGGGG')).field).toBe('securityLabel.color');
  });
});

describe('job config enums', () => {
  const config = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../schemas/batch/job-config.json'), 'utf8')).properties;
  it('are the schema enums with their rules', () => {
    expect(Object.keys(jobConfigEnums)).toEqual(['version', 'action', 'attributeWriteType', 'tagWriteType', 'securityLabelWriteType', 'fileMergeMode', 'hashCollisionMode']);
    for (const [name, e] of Object.entries(jobConfigEnums)) expect(e).toEqual({ values: config[name].enum, rule: config[name]['x-tc-rule'] });
  });
  it('the submit command lists them in its help', () => {
    const program = new Command('tcbatch');
    registerSubmit(program);
    const help = program.commands.find((c) => c.name() === 'submit')!.helpInformation();
    expect(help).toMatch(/--action <action> +Create or Delete \(default: "Create"\)/);
    expect(help).toMatch(/--attribute-write-type <type> +Append, Replace, Singleton or Static \(default:\s+"Replace"\)/);
  });
});
