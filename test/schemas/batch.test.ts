/**
 * Batch schemas: job config (enums, documented defaults, "true"/"false" strings), status, /errors
 * and /results records, association entry, content file (discriminated group/indicator unions)
 * and the GET /v2/types/indicatorTypes answer.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  validateAssociationEntry,
  validateBatchContent,
  validateBatchErrorRecord,
  validateBatchJobConfig,
  validateBatchResultRecord,
  validateBatchStatus,
  validateIndicatorTypesResponse,
} from '../../generated/validators/index.js';
import { GROUP_TYPES, INDICATOR_TYPES, RULE, outcome, type Row } from './helpers.js';

const CONFIG_RULE = {
  version: 'version is V1 or V2 (ThreatConnect V2 Batch API: batch job settings)',
  action: 'action is Create or Delete (ThreatConnect V2 Batch API: batch job settings)',
  attributeWriteType: 'attributeWriteType is Append, Replace, Singleton or Static (ThreatConnect V2 Batch API: batch job settings)',
  tagWriteType: 'tagWriteType is Append or Replace (ThreatConnect V2 Batch API: batch job settings)',
  securityLabelWriteType: 'securityLabelWriteType is Append or Replace (ThreatConnect V2 Batch API: batch job settings)',
  fileMergeMode: 'fileMergeMode is Distribute or Merge (ThreatConnect V2 Batch API: batch job settings)',
  hashCollisionMode: 'hashCollisionMode is FavorExisting, FavorIncoming, IgnoreExisting, IgnoreIncoming or Split (ThreatConnect V2 Batch API: batch job settings)',
  booleanLike: 'a boolean setting is true, false, "true" or "false" (ThreatConnect V2 Batch API: batch job settings, wire quirks)',
};

/** tc-batch-api.md §4: every enum field with its values and (where the docs give one) its default. */
const CONFIG_ENUMS: Array<[string, string[], string | undefined]> = [
  ['version', ['V1', 'V2'], 'V1'],
  ['action', ['Create', 'Delete'], undefined],
  ['attributeWriteType', ['Append', 'Replace', 'Singleton', 'Static'], undefined],
  ['tagWriteType', ['Append', 'Replace'], 'Replace'],
  ['securityLabelWriteType', ['Append', 'Replace'], 'Replace'],
  ['fileMergeMode', ['Distribute', 'Merge'], 'Merge'],
  ['hashCollisionMode', ['FavorExisting', 'FavorIncoming', 'IgnoreExisting', 'IgnoreIncoming', 'Split'], 'FavorIncoming'],
];

const minimalConfig = { owner: 'Demo Organization', haltOnError: true, action: 'Create', attributeWriteType: 'Append' };

describe('BatchJobConfig', () => {
  const schema = JSON.parse(readFileSync(new URL('../../schemas/batch/job-config.json', import.meta.url), 'utf8')) as {
    properties: Record<string, { enum?: string[]; default?: unknown }>;
  };

  it.each(CONFIG_ENUMS)('%s: schema enum and default are those of tc-batch-api.md §4', (field, values, dflt) => {
    expect(schema.properties[field]?.enum).toEqual(values);
    expect(schema.properties[field]?.default).toEqual(dflt);
  });

  it('documents the boolean defaults (playbookTriggersEnabled, removeOrphanIndicators: false)', () => {
    expect(schema.properties.playbookTriggersEnabled?.default).toBe(false);
    expect(schema.properties.removeOrphanIndicators?.default).toBe(false);
  });

  const accepted = CONFIG_ENUMS.flatMap(([field, values]) => values.map((v): [string, string] => [field, v]));
  it.each(accepted)('accepts %s = %s', (field, value) => {
    expect(outcome(validateBatchJobConfig({ ...minimalConfig, [field]: value }))).toBe('valid');
  });

  const rows: Row[] = [
    ['minimal (owner, haltOnError, action, attributeWriteType)', { given: minimalConfig, want: 'valid' }],
    [
      'docs canonical example',
      {
        given: {
          version: 'V2',
          owner: 'Demo Organization',
          haltOnError: true,
          action: 'Create',
          attributeWriteType: 'Append',
          tagWriteType: 'Append',
          securityLabelWriteType: 'Append',
          fileMergeMode: 'Merge',
          hashCollisionMode: 'FavorIncoming',
        },
        want: 'valid',
      },
    ],
    [
      'what tcex sends (boolean strings)',
      {
        given: {
          action: 'Create',
          attributeWriteType: 'Replace',
          haltOnError: 'true',
          owner: 'MyOrg',
          playbookTriggersEnabled: 'false',
          securityLabelWriteType: 'Replace',
          tagWriteType: 'Replace',
          version: 'V2',
        },
        want: 'valid',
      },
    ],
    ['Java removeOrphanIndicators false', { given: { ...minimalConfig, removeOrphanIndicators: false }, want: 'valid' }],
    ['haltOnError "false"', { given: { ...minimalConfig, haltOnError: 'false' }, want: 'valid' }],
    [
      'haltOnError "yes"',
      { given: { ...minimalConfig, haltOnError: 'yes' }, want: [{ pointer: '/haltOnError', keyword: 'anyOf', rule: CONFIG_RULE.booleanLike, value: 'yes' }] },
    ],
    [
      'playbookTriggersEnabled "True"',
      {
        given: { ...minimalConfig, playbookTriggersEnabled: 'True' },
        want: [{ pointer: '/playbookTriggersEnabled', keyword: 'anyOf', rule: CONFIG_RULE.booleanLike, value: 'True' }],
      },
    ],
    [
      'removeOrphanIndicators 1',
      {
        given: { ...minimalConfig, removeOrphanIndicators: 1 },
        want: [{ pointer: '/removeOrphanIndicators', keyword: 'anyOf', rule: CONFIG_RULE.booleanLike, value: 1 }],
      },
    ],
    [
      'nothing',
      {
        given: {},
        want: [
          { pointer: '/owner', keyword: 'required', rule: RULE.required('owner') },
          { pointer: '/haltOnError', keyword: 'required', rule: RULE.required('haltOnError') },
          { pointer: '/action', keyword: 'required', rule: RULE.required('action') },
          { pointer: '/attributeWriteType', keyword: 'required', rule: RULE.required('attributeWriteType') },
        ],
      },
    ],
    [
      'empty owner',
      { given: { ...minimalConfig, owner: '' }, want: [{ pointer: '/owner', keyword: 'minLength', rule: 'must have at least 1 character', value: '' }] },
    ],
    [
      'unknown key (misspelt write type)',
      {
        given: { ...minimalConfig, tagWritetype: 'Append' },
        want: [{ pointer: '/tagWritetype', keyword: 'additionalProperties', rule: RULE.unknownField('tagWritetype'), value: 'Append' }],
      },
    ],
    ...CONFIG_ENUMS.map(
      ([field]): Row => [
        `${field} lower-case / unknown`,
        {
          given: { ...minimalConfig, [field]: 'update' },
          want: [{ pointer: `/${field}`, keyword: 'enum', rule: CONFIG_RULE[field as keyof typeof CONFIG_RULE], value: 'update' }],
        },
      ],
    ),
  ];
  it.each(rows)('%s', (_name, { given, want }) => {
    expect(outcome(validateBatchJobConfig(given))).toEqual(want);
  });
});

describe('BatchStatus', () => {
  const STATUS_RULE = 'a batch status is Created, Queued, Running or Completed (ThreatConnect V2 Batch API: batch status)';
  const rows: Row[] = [
    [
      'docs sample',
      { given: { id: 12345, status: 'Completed', errorCount: 342, successCount: 405432, unprocessCount: 0 }, want: 'valid' },
    ],
    [
      'with includeAdditional counts',
      {
        given: {
          id: 12345,
          status: 'Completed',
          errorCount: 0,
          successCount: 2,
          unprocessCount: 0,
          successIndicatorCount: 1,
          errorIndicatorCount: 0,
          successGroupCount: 1,
          errorGroupCount: 0,
          successAssociationCount: 0,
          errorAssociationCount: 0,
        },
        want: 'valid',
      },
    ],
    ['legacy SDK (counts omitted)', { given: { status: 'Completed', errorCount: 1, id: 32 }, want: 'valid' }],
    ['synchronous createAndUpload without id', { given: { status: 'Completed', successCount: 8 }, want: 'valid' }],
    ['Created', { given: { id: 1, status: 'Created' }, want: 'valid' }],
    ['Queued', { given: { id: 1, status: 'Queued' }, want: 'valid' }],
    ['Running', { given: { id: 1, status: 'Running' }, want: 'valid' }],
    ['Failed is not a status', { given: { id: 1, status: 'Failed' }, want: [{ pointer: '/status', keyword: 'enum', rule: STATUS_RULE, value: 'Failed' }] }],
    ['no status', { given: { id: 1 }, want: [{ pointer: '/status', keyword: 'required', rule: RULE.required('status') }] }],
    [
      'negative and fractional counts',
      {
        given: { status: 'Completed', errorCount: -1, successCount: 1.5 },
        want: [
          { pointer: '/errorCount', keyword: 'minimum', rule: 'must be >= 0', value: -1 },
          { pointer: '/successCount', keyword: 'type', rule: 'must be of type integer', value: 1.5 },
        ],
      },
    ],
    ['id as a string', { given: { id: '7', status: 'Queued' }, want: [{ pointer: '/id', keyword: 'type', rule: 'must be of type integer', value: '7' }] }],
  ];
  it.each(rows)('%s', (_name, { given, want }) => {
    expect(outcome(validateBatchStatus(given))).toEqual(want);
  });
});

describe('BatchErrorRecord (/errors)', () => {
  const rows: Row[] = [
    [
      'current server format',
      {
        given: {
          errorReason:
            "Error (0x1005): m_lena.matroschka.pl is not valid. The indicator 'm_lena.matroschka.pl' could not be processed as a valid Host due to missing or invalid data (summary is invalid for the given type).",
        },
        want: 'valid',
      },
    ],
    ['tcex docstring example', { given: { errorReason: 'Incident incident-001 has an invalid status.', errorSource: 'incident-001 is not valid.' }, want: 'valid' }],
    ['no errorReason', { given: { errorSource: 'x' }, want: [{ pointer: '/errorReason', keyword: 'required', rule: RULE.required('errorReason') }] }],
    ['errorReason not a string', { given: { errorReason: 5 }, want: [{ pointer: '/errorReason', keyword: 'type', rule: 'must be of type string', value: 5 }] }],
  ];
  it.each(rows)('%s', (_name, { given, want }) => {
    expect(outcome(validateBatchErrorRecord(given))).toEqual(want);
  });
});

describe('BatchResultRecord (/results)', () => {
  const CODE_RULE = 'an error code is 0x followed by four hex digits (ThreatConnect V2 Batch API: batch job errors)';
  const docs = {
    code: '0x1003',
    severity: 'Error',
    errorReason: 'com.google.gson.JsonSyntaxException: java.lang.IllegalStateException: Not a JSON Object: "name"',
    errorMessage: "Encountered an unexpected Exception while processing batch job. Last known JSON path: '$.group[1]'",
  };
  const rows: Row[] = [
    ['docs sample', { given: docs, want: 'valid' }],
    ['code 0x100A', { given: { ...docs, code: '0x100A' }, want: 'valid' }],
    ['code 0x100a', { given: { ...docs, code: '0x100a' }, want: 'valid' }],
    ['code without 0x', { given: { ...docs, code: '1003' }, want: [{ pointer: '/code', keyword: 'pattern', rule: CODE_RULE, value: '1003' }] }],
    ['code with five digits', { given: { ...docs, code: '0x10031' }, want: [{ pointer: '/code', keyword: 'pattern', rule: CODE_RULE, value: '0x10031' }] }],
    ['code with a non-hex digit', { given: { ...docs, code: '0x10G3' }, want: [{ pointer: '/code', keyword: 'pattern', rule: CODE_RULE, value: '0x10G3' }] }],
    ['no severity', { given: { code: '0x1001' }, want: [{ pointer: '/severity', keyword: 'required', rule: RULE.required('severity') }] }],
  ];
  it.each(rows)('%s', (_name, { given, want }) => {
    expect(outcome(validateBatchResultRecord(given))).toEqual(want);
  });
});

describe('AssociationEntry', () => {
  const SIDE1 = 'side 1 of an association needs ref_1 or id_1 (ThreatConnect V2 Batch API: associations)';
  const SIDE2 = 'side 2 of an association needs ref_2 or id_2 (ThreatConnect V2 Batch API: associations)';
  const rows: Row[] = [
    [
      'indicator to indicator by refs',
      { given: { ref_1: 'badguyz.com', type_1: 'Host', ref_2: 'http://www.badguyz.com', type_2: 'URL', associationType: 'URL Host' }, want: 'valid' },
    ],
    ['group ref to existing indicator id', { given: { ref_1: '00000000-0000-0000-0000-000000000000:0001', id_2: 54321, type_2: 'Address' }, want: 'valid' }],
    ['ids on both sides', { given: { id_1: 1, id_2: 2 }, want: 'valid' }],
    ['ref and id on one side (id wins)', { given: { ref_1: 'x', id_1: 3, ref_2: 'y' }, want: 'valid' }],
    ['nothing', { given: {}, want: [
      { pointer: '', keyword: 'anyOf', rule: SIDE1, value: {} },
      { pointer: '', keyword: 'anyOf', rule: SIDE2, value: {} },
    ] }],
    ['side 2 missing', { given: { ref_1: 'a', type_1: 'Host' }, want: [{ pointer: '', keyword: 'anyOf', rule: SIDE2, value: { ref_1: 'a', type_1: 'Host' } }] }],
    ['side 1 has only a type', { given: { type_1: 'Host', id_2: 4 }, want: [{ pointer: '', keyword: 'anyOf', rule: SIDE1, value: { type_1: 'Host', id_2: 4 } }] }],
    ['id 0', { given: { id_1: 0, ref_2: 'b' }, want: [{ pointer: '/id_1', keyword: 'minimum', rule: 'must be >= 1', value: 0 }] }],
    ['id as a string', { given: { id_1: '12', ref_2: 'b' }, want: [{ pointer: '/id_1', keyword: 'type', rule: 'must be of type integer', value: '12' }] }],
    [
      'snake_case association_type is tcex-internal, not the wire name',
      {
        given: { ref_1: 'a', ref_2: 'b', association_type: 'URL Host' },
        want: [{ pointer: '/association_type', keyword: 'additionalProperties', rule: RULE.unknownField('association_type'), value: 'URL Host' }],
      },
    ],
  ];
  it.each(rows)('%s', (_name, { given, want }) => {
    expect(outcome(validateAssociationEntry(given))).toEqual(want);
  });
});

describe('BatchContent', () => {
  const GROUP_UNION = `a group type is one of ${GROUP_TYPES.join(', ')} (ThreatConnect REST API: group types)`;
  const INDICATOR_UNION = `an indicator type is one of ${INDICATOR_TYPES.join(', ')} (ThreatConnect REST API: indicator types)`;
  const docsExample = {
    indicator: [
      {
        summary: 'badguyz.com',
        type: 'Host',
        rating: 3,
        confidence: 60,
        associatedGroups: [{ groupXid: '00000000-0000-0000-0000-000000000000:0001' }],
        attribute: [{ type: 'Description', value: 'C2 host', displayed: true, securityLabel: [{ name: 'TLP:AMBER' }] }],
        securityLabel: [{ name: 'TLP:AMBER' }],
        tag: [{ name: 'Ransomware' }],
      },
      {
        md5: '905ad8176a569a36421bf54c04ba7f95',
        sha256: '25bdabd23e349f5e5ea7890795b06d15d842bde1d43135c361e755f748ca05d0',
        type: 'File',
        fileOccurrence: [{ fileName: 'drop1.exe', path: 'C:\\test\\', date: '2017-03-03T18:00:00-06:00' }],
      },
      { summary: 'http://www.badguyz.com', type: 'URL' },
    ],
    group: [
      {
        name: 'Ransomware Attack at Company ABC',
        type: 'Incident',
        xid: '00000000-0000-0000-0000-000000000000:0001',
        eventDate: '2024-08-04T00:00:00Z',
        status: 'New',
        associatedGroupXid: ['00000000-0000-0000-0000-000000000000:0002'],
        associatedIndicators: [{ summary: '71.6.135.131', indicatorType: 'Address' }],
      },
      {
        name: 'Rule 1',
        type: 'Signature',
        xid: '00000000-0000-0000-0000-000000000000:0002',
        fileName: 'rule1.yar',
        fileType: 'YARA',
        fileText: 'rule a { condition: true }',
      },
    ],
    association: [
      { ref_1: 'badguyz.com', type_1: 'Host', ref_2: 'http://www.badguyz.com', type_2: 'URL', associationType: 'URL Host' },
      { ref_1: '00000000-0000-0000-0000-000000000000:0001', id_2: 54321, type_2: 'Address' },
    ],
  };
  const rows: Row[] = [
    ['ThreatConnect V2 Batch API: batch input file complete example', { given: docsExample, want: 'valid' }],
    ['empty object', { given: {}, want: 'valid' }],
    ['empty arrays', { given: { group: [], indicator: [], association: [] }, want: 'valid' }],
    [
      'unknown group type File Drop',
      {
        given: { group: [docsExample.group[0], { type: 'File Drop', xid: 'fd-1' }] },
        want: [{ pointer: '/group/1', keyword: 'discriminator', rule: GROUP_UNION, value: { type: 'File Drop', xid: 'fd-1' } }],
      },
    ],
    [
      'indicator type spelt as v2 apiEntity',
      {
        given: { indicator: [{ type: 'host', summary: 'a.com' }] },
        want: [{ pointer: '/indicator/0', keyword: 'discriminator', rule: INDICATOR_UNION, value: { type: 'host', summary: 'a.com' } }],
      },
    ],
    [
      'indicator without type',
      {
        given: { indicator: [{ summary: 'a.com' }] },
        want: [
          { pointer: '/indicator/0/type', keyword: 'required', rule: INDICATOR_UNION },
          { pointer: '/indicator/0', keyword: 'discriminator', rule: INDICATOR_UNION, value: { summary: 'a.com' } },
        ],
      },
    ],
    [
      'issues inside items carry the item pointer',
      {
        given: {
          group: [{ name: 'g', type: 'Event', xid: 'e-1', status: 'Open' }],
          indicator: [docsExample.indicator[2], { type: 'Host', summary: 'bad_host.com' }],
          association: [{ ref_1: 'e-1' }],
        },
        want: [
          { pointer: '/group/0/status', keyword: 'enum', rule: RULE.eventStatus, value: 'Open' },
          { pointer: '/indicator/1/summary', keyword: 'pattern', rule: RULE.host, value: 'bad_host.com' },
          { pointer: '/association/0', keyword: 'anyOf', rule: 'side 2 of an association needs ref_2 or id_2 (ThreatConnect V2 Batch API: associations)', value: { ref_1: 'e-1' } },
        ],
      },
    ],
    [
      'tcex local-only "file" key',
      { given: { group: [], file: [] }, want: [{ pointer: '/file', keyword: 'additionalProperties', rule: RULE.unknownField('file'), value: [] }] },
    ],
    [
      'V1 bare array',
      { given: [{ summary: 'a.com', type: 'Host' }], want: [{ pointer: '', keyword: 'type', rule: 'must be of type object', value: [{ summary: 'a.com', type: 'Host' }] }] },
    ],
  ];
  it.each(rows)('%s', (_name, { given, want }) => {
    expect(outcome(validateBatchContent(given))).toEqual(want);
  });

  it('every group and indicator type is a member of the content union', () => {
    const groups = GROUP_TYPES.map((type, i) => ({ name: `g${i}`, type, xid: `x${i}`, subject: 's', header: 'h', body: 'b', fileName: 'f', fileType: 'YARA', fileText: 't' }))
      // subject/header/body belong to Email, fileName/fileType/fileText to Signature (fileName also Document/Report)
      .map((g) => {
        const keep = new Set(['name', 'type', 'xid', ...(g.type === 'Email' ? ['subject', 'header', 'body'] : []), ...(g.type === 'Signature' ? ['fileName', 'fileType', 'fileText'] : [])]);
        return Object.fromEntries(Object.entries(g).filter(([k]) => keep.has(k)));
      });
    const summaries: Record<(typeof INDICATOR_TYPES)[number], string> = {
      ASN: 'ASN1',
      Address: '1.1.1.1',
      CIDR: '1.1.1.0/24',
      'Email Subject': 's',
      EmailAddress: 'a@b.cc',
      File: '905ad8176a569a36421bf54c04ba7f95',
      Hashtag: '#h',
      Host: 'a.com',
      Mutex: 'm',
      'Registry Key': 'HKEY_USERS\\a : b : REG_SZ',
      URL: 'http://a.com',
      'User Agent': 'ua',
    };
    const indicators = INDICATOR_TYPES.map((type) => ({ type, summary: summaries[type] }));
    expect(outcome(validateBatchContent({ group: groups, indicator: indicators }))).toBe('valid');
  });

  it('names the enclosing item of a nested issue', () => {
    const r = validateBatchContent({ indicator: [{ type: 'URL', summary: 'x', xid: 'u-1', tag: [{ name: '' }] }] });
    expect(r.issues).toEqual([
      {
        pointer: '/indicator/0/tag/0/name',
        keyword: 'minLength',
        rule: RULE.tagName,
        value: '',
        schemaPath: 'defs.json#/$defs/tag/properties/name/minLength',
        item: { pointer: '/indicator/0', type: 'URL', xid: 'u-1', summary: 'x' },
      },
      {
        pointer: '/indicator/0/summary',
        keyword: 'pattern',
        rule: RULE.url,
        value: 'x',
        schemaPath: '#/properties/summary/pattern',
        item: { pointer: '/indicator/0', type: 'URL', xid: 'u-1', summary: 'x' },
      },
    ]);
  });
});

describe('IndicatorTypesResponse', () => {
  it('accepts the test fixture', () => {
    const fixture: unknown = JSON.parse(readFileSync(new URL('../fixtures/indicator-types.json', import.meta.url), 'utf8'));
    expect(outcome(validateIndicatorTypesResponse(fixture))).toBe('valid');
  });
  const rows: Row[] = [
    ['booleans as booleans', { given: { status: 'Success', data: { indicatorType: [{ name: 'X', custom: true, parsable: false }] } }, want: 'valid' }],
    ['no data', { given: { status: 'Success' }, want: [{ pointer: '/data', keyword: 'required', rule: RULE.required('data') }] }],
    [
      'type without name',
      {
        given: { status: 'Success', data: { indicatorType: [{ custom: 'true' }] } },
        want: [{ pointer: '/data/indicatorType/0/name', keyword: 'required', rule: RULE.required('name') }],
      },
    ],
    [
      'regexes not an array',
      {
        given: { status: 'Success', data: { indicatorType: [{ name: 'X', regexes: '^a$' }] } },
        want: [{ pointer: '/data/indicatorType/0/regexes', keyword: 'type', rule: 'must be of type array', value: '^a$' }],
      },
    ],
  ];
  it.each(rows)('%s', (_name, { given, want }) => {
    expect(outcome(validateIndicatorTypesResponse(given))).toEqual(want);
  });
});
