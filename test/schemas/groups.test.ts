/**
 * Group type validators (generated/validators): valid minimal and full payloads for all 16 batchable
 * group types, the common group rules on every type, and each type-specific rule with its exact issue.
 */
import { describe, expect, it } from 'vitest';
import {
  groupValidators,
  validateAdversary,
  validateCampaign,
  validateDocument,
  validateEmail,
  validateEvent,
  validateIncident,
  validateReport,
  validateSignature,
} from '../../generated/validators/index.js';
import { GROUP_TYPES, RULE, outcome, type Row } from './helpers.js';

const XID = '00000000-0000-0000-0000-000000000000:0001';

/** Every common group field, at its limits (100-char name, 128-char tag). */
const commonFull = {
  name: 'n'.repeat(100),
  xid: XID,
  dateAdded: '2024-08-04T00:00:00Z',
  firstSeen: '2024-08-01T00:00:00Z',
  lastSeen: '2024-08-03T12:30:00Z',
  externalDateAdded: '2024-08-01',
  externalDateExpires: '2025-08-01T00:00:00+02:00',
  externalLastModified: '2024-08-02T00:00:00.123Z',
  externalDateCreated: '2024-08-01T00:00:00Z',
  externalDateLastModified: '2024-08-02T00:00:00Z',
  publishRootItem: true,
  attribute: [
    {
      type: 'Description',
      value: 'Seen in a phishing wave',
      displayed: true,
      pinned: false,
      source: 'analyst notes',
      securityLabel: [{ name: 'TLP:AMBER' }],
      dateAdded: null,
      lastModified: '2024-08-02T00:00:00Z',
      xid: 'attr-1',
    },
  ],
  tag: [{ name: 'Ransomware' }, { name: 't'.repeat(128) }],
  securityLabel: [{ name: 'TLP:AMBER', color: 'FFC000', description: 'Limited disclosure' }],
  associatedGroupXid: ['00000000-0000-0000-0000-000000000000:0002'],
  associatedIndicators: [{ summary: '71.6.135.131', indicatorType: 'Address' }],
};

/** Fields a type needs beyond name/type/xid, and every type-specific field for the full payload. */
const specific: Record<(typeof GROUP_TYPES)[number], { minimal: object; full: object }> = {
  Adversary: { minimal: {}, full: {} },
  'Attack Pattern': { minimal: {}, full: {} },
  Campaign: { minimal: {}, full: { firstSeen: '2024-01-01T00:00:00Z' } },
  'Course of Action': { minimal: {}, full: {} },
  Document: {
    minimal: {},
    full: {
      fileName: 'f'.repeat(100),
      malware: true,
      password: 'infected',
      insights: 'Summary by the model',
      aiProvider: 'OpenAI',
      aiLastRetrievalDate: '2024-08-05T00:00:00Z',
      fileContent: 'client-side bytes',
    },
  },
  Email: {
    minimal: { subject: 'Invoice', header: 'Received: from mx', body: 'Please pay' },
    full: {
      subject: 'Invoice',
      header: 'Received: from mx',
      body: 'Please pay',
      from: 'billing@example.com',
      to: 'victim@example.org',
      score: 0,
    },
  },
  Event: {
    minimal: {},
    full: {
      eventDate: '2024-08-04T00:00:00Z',
      eventType: 'Alert [urgent]',
      status: 'In Progress',
      insights: 'Summary by the model',
      aiProvider: 'OpenAI',
      aiLastRetrievalDate: '2024-08-05T00:00:00Z',
    },
  },
  Incident: { minimal: {}, full: { eventDate: '2024-08-04T00:00:00Z', status: 'Containment Achieved' } },
  'Intrusion Set': { minimal: {}, full: {} },
  Malware: { minimal: {}, full: {} },
  Report: {
    minimal: {},
    full: {
      fileName: 'report.pdf',
      publishDate: '2024-08-04T00:00:00Z',
      insights: 'Summary by the model',
      aiProvider: 'OpenAI',
      aiLastRetrievalDate: '2024-08-05T00:00:00Z',
      fileContent: 'client-side bytes',
    },
  },
  Signature: {
    minimal: { fileName: 'rule1.yar', fileType: 'YARA', fileText: 'rule a { condition: true }' },
    full: { fileName: 'rule1.yar', fileType: 'YARA', fileText: 'rule a { condition: true }' },
  },
  Tactic: { minimal: {}, full: {} },
  Threat: { minimal: {}, full: {} },
  Tool: { minimal: {}, full: {} },
  Vulnerability: { minimal: {}, full: {} },
};

const minimal = (type: (typeof GROUP_TYPES)[number]) => ({ name: 'Group one', type, xid: XID, ...specific[type].minimal });

describe('group validators', () => {
  it('exist for exactly the 16 batchable group types', () => {
    expect(Object.keys(groupValidators)).toEqual([...GROUP_TYPES]);
  });

  describe.each(GROUP_TYPES)('%s', (type) => {
    const validate = groupValidators[type];
    const rows: Row[] = [
      ['minimal payload', { given: minimal(type), want: 'valid' }],
      ['full payload', { given: { ...commonFull, type, ...specific[type].full }, want: 'valid' }],
      [
        'name over 100 characters',
        {
          given: { ...minimal(type), name: 'n'.repeat(101) },
          want: [{ pointer: '/name', keyword: 'maxLength', rule: RULE.groupName, value: 'n'.repeat(101) }],
        },
      ],
      [
        'empty name',
        { given: { ...minimal(type), name: '' }, want: [{ pointer: '/name', keyword: 'minLength', rule: RULE.groupName, value: '' }] },
      ],
      [
        'tag name over 128 characters',
        {
          given: { ...minimal(type), tag: [{ name: 'ok' }, { name: 't'.repeat(129) }] },
          want: [{ pointer: '/tag/1/name', keyword: 'maxLength', rule: RULE.tagName, value: 't'.repeat(129) }],
        },
      ],
      [
        'missing xid',
        {
          given: (({ xid: _x, ...rest }) => rest)(minimal(type)),
          want: [{ pointer: '/xid', keyword: 'required', rule: RULE.required('xid') }],
        },
      ],
      [
        'missing name',
        {
          given: (({ name: _n, ...rest }) => rest)(minimal(type)),
          want: [{ pointer: '/name', keyword: 'required', rule: RULE.required('name') }],
        },
      ],
      [
        'another type name',
        {
          given: { ...minimal(type), type: 'File Drop' },
          want: [{ pointer: '/type', keyword: 'const', rule: RULE.constant(type), value: 'File Drop' }],
        },
      ],
      [
        'unknown field',
        {
          given: { ...minimal(type), fileSize: 12 },
          want: [{ pointer: '/fileSize', keyword: 'unevaluatedProperties', rule: RULE.unknownField('fileSize'), value: 12 }],
        },
      ],
    ];
    it.each(rows)('%s', (_name, { given, want }) => {
      expect(outcome(validate(given))).toEqual(want);
    });
  });
});

describe('common group field rules', () => {
  const base = { name: 'APT-X', type: 'Adversary', xid: XID };
  const rows: Row[] = [
    [
      'bad date',
      {
        given: { ...base, firstSeen: '04/08/2024' },
        want: [{ pointer: '/firstSeen', keyword: 'pattern', rule: RULE.date, value: '04/08/2024' }],
      },
    ],
    ['empty xid', { given: { ...base, xid: '' }, want: [{ pointer: '/xid', keyword: 'minLength', rule: RULE.xid, value: '' }] }],
    [
      'empty associated group xid',
      {
        given: { ...base, associatedGroupXid: ['ok', ''] },
        want: [{ pointer: '/associatedGroupXid/1', keyword: 'minLength', rule: RULE.xid, value: '' }],
      },
    ],
    [
      'security label color not hex',
      {
        given: { ...base, securityLabel: [{ name: 'TLP:RED', color: 'red' }] },
        want: [{ pointer: '/securityLabel/0/color', keyword: 'pattern', rule: RULE.labelColor, value: 'red' }],
      },
    ],
    [
      'security label without name',
      {
        given: { ...base, securityLabel: [{ color: 'FF0000' }] },
        want: [{ pointer: '/securityLabel/0/name', keyword: 'required', rule: RULE.required('name') }],
      },
    ],
    [
      'attribute with an empty value and an unknown key',
      {
        given: { ...base, attribute: [{ type: 'Source', value: '', colour: 'x' }] },
        want: [
          { pointer: '/attribute/0/colour', keyword: 'additionalProperties', rule: RULE.unknownField('colour'), value: 'x' },
          { pointer: '/attribute/0/value', keyword: 'minLength', rule: RULE.attributeValue, value: '' },
        ],
      },
    ],
    [
      'associated indicator without indicatorType',
      {
        given: { ...base, associatedIndicators: [{ summary: '1.2.3.4' }] },
        want: [{ pointer: '/associatedIndicators/0/indicatorType', keyword: 'required', rule: RULE.required('indicatorType') }],
      },
    ],
  ];
  it.each(rows)('%s', (_name, { given, want }) => {
    expect(outcome(validateAdversary(given))).toEqual(want);
  });

  it('counts lengths in UTF-16 code units, as the Java server does', () => {
    // 50 astral characters are 100 UTF-16 units: at the limit. One more BMP character is over.
    expect(outcome(validateAdversary({ ...base, name: '😀'.repeat(50) }))).toBe('valid');
    expect(outcome(validateAdversary({ ...base, name: `${'😀'.repeat(50)}x` }))).toEqual([
      { pointer: '/name', keyword: 'maxLength', rule: RULE.groupName, value: `${'😀'.repeat(50)}x` },
    ]);
  });

  it('names the group in the issue (schemaPath and item)', () => {
    const r = validateCampaign({ name: 'n'.repeat(101), type: 'Campaign', xid: 'c-1' });
    expect(r.valid).toBe(false);
    expect(r.issues).toEqual([
      {
        pointer: '/name',
        keyword: 'maxLength',
        rule: RULE.groupName,
        value: 'n'.repeat(101),
        schemaPath: '#/properties/name/maxLength',
        item: { pointer: '', type: 'Campaign', xid: 'c-1', name: 'n'.repeat(101) },
      },
    ]);
  });
});

describe('Event', () => {
  const base = { name: 'Phish', type: 'Event', xid: XID };
  const EVENT_TYPES = [
    'Alert',
    'Alert [flash]',
    'Alert [hyper-local]',
    'Alert [local]',
    'Alert [urgent]',
    'Breach',
    'Campaign',
    'Compliance / Regulatory',
    'Disclosure',
    'Emerging Threat',
    'Exercise',
    'Exposure',
    'Finding [Compliance violations]',
    'Finding [Configuration weaknesses]',
    'Finding [Missing patches]',
    'Finding [Security posture gaps]',
    'Investigation',
    'None',
    'Operation',
    'Physical Security',
    'Response Action',
    'Social Engineering (non-phishing)',
    'Third Party Reported',
    'Trend',
  ];
  const STATUSES = ['Completed', 'Escalated', 'False Positive', 'In Progress', 'Needs Review', 'New', 'No Further Action', 'Reopened', 'None'];

  it.each(EVENT_TYPES)('accepts eventType %j', (eventType) => {
    expect(outcome(validateEvent({ ...base, eventType }))).toBe('valid');
  });
  it.each(STATUSES)('accepts status %j', (status) => {
    expect(outcome(validateEvent({ ...base, status }))).toBe('valid');
  });

  const rows: Row[] = [
    [
      'unknown eventType (case matters)',
      { given: { ...base, eventType: 'alert' }, want: [{ pointer: '/eventType', keyword: 'enum', rule: RULE.eventType, value: 'alert' }] },
    ],
    [
      'Incident status on an Event',
      { given: { ...base, status: 'Open' }, want: [{ pointer: '/status', keyword: 'enum', rule: RULE.eventStatus, value: 'Open' }] },
    ],
    [
      'bad eventDate',
      {
        given: { ...base, eventDate: '2024-13-01T00:00:00Z' },
        want: [{ pointer: '/eventDate', keyword: 'pattern', rule: RULE.date, value: '2024-13-01T00:00:00Z' }],
      },
    ],
    [
      'insights without aiProvider',
      {
        given: { ...base, insights: 'text' },
        want: [{ pointer: '', keyword: 'dependentRequired', rule: RULE.insights, value: { ...base, insights: 'text' } }],
      },
    ],
  ];
  it.each(rows)('%s', (_name, { given, want }) => {
    expect(outcome(validateEvent(given))).toEqual(want);
  });
});

describe('Incident', () => {
  const base = { name: 'Breach', type: 'Incident', xid: XID };
  const STATUSES = [
    'New',
    'Open',
    'Stalled',
    'Containment Achieved',
    'Restoration Achieved',
    'Incident Reported',
    'Closed',
    'Rejected',
    'Deleted',
    'None',
  ];
  it.each(STATUSES)('accepts status %j', (status) => {
    expect(outcome(validateIncident({ ...base, status }))).toBe('valid');
  });
  const rows: Row[] = [
    [
      'Event status on an Incident',
      {
        given: { ...base, status: 'Escalated' },
        want: [{ pointer: '/status', keyword: 'enum', rule: RULE.incidentStatus, value: 'Escalated' }],
      },
    ],
    [
      'eventType is not an Incident field',
      {
        given: { ...base, eventType: 'Breach' },
        want: [{ pointer: '/eventType', keyword: 'unevaluatedProperties', rule: RULE.unknownField('eventType'), value: 'Breach' }],
      },
    ],
  ];
  it.each(rows)('%s', (_name, { given, want }) => {
    expect(outcome(validateIncident(given))).toEqual(want);
  });
});

describe('Signature', () => {
  const base = { name: 'Rule 1', type: 'Signature', xid: XID, fileName: 'r.yar', fileType: 'YARA', fileText: 'rule a {}' };
  const FILE_TYPES = ['Bro', 'ClamAV', 'CybOX', 'Iris Search Hash', 'KQL', 'OpenIOC', 'Regex', 'SPL', 'Sigma', 'Snort', 'Suricata', 'TQL Query', 'YARA'];
  it.each(FILE_TYPES)('accepts fileType %j', (fileType) => {
    expect(outcome(validateSignature({ ...base, fileType }))).toBe('valid');
  });
  const rows: Row[] = [
    [
      'no fileName, fileType, fileText',
      {
        given: { name: 'Rule 1', type: 'Signature', xid: XID },
        want: [
          { pointer: '/fileName', keyword: 'required', rule: RULE.signatureRequired },
          { pointer: '/fileType', keyword: 'required', rule: RULE.signatureRequired },
          { pointer: '/fileText', keyword: 'required', rule: RULE.signatureRequired },
        ],
      },
    ],
    [
      'no fileText',
      {
        given: (({ fileText: _t, ...rest }) => rest)(base),
        want: [{ pointer: '/fileText', keyword: 'required', rule: RULE.signatureRequired }],
      },
    ],
    [
      'v2 display name with a trademark sign',
      {
        given: { ...base, fileType: 'Snort®' },
        want: [{ pointer: '/fileType', keyword: 'enum', rule: RULE.signatureFileType, value: 'Snort®' }],
      },
    ],
    [
      'lower-case yara',
      { given: { ...base, fileType: 'yara' }, want: [{ pointer: '/fileType', keyword: 'enum', rule: RULE.signatureFileType, value: 'yara' }] },
    ],
  ];
  it.each(rows)('%s', (_name, { given, want }) => {
    expect(outcome(validateSignature(given))).toEqual(want);
  });
});

describe('Document', () => {
  const base = { name: 'Dropper report', type: 'Document', xid: XID };
  const rows: Row[] = [
    ['malware with password', { given: { ...base, malware: true, password: 'infected' }, want: 'valid' }],
    ['not malware, no password', { given: { ...base, malware: false }, want: 'valid' }],
    [
      'malware without password',
      { given: { ...base, malware: true }, want: [{ pointer: '/password', keyword: 'required', rule: RULE.malwarePassword }] },
    ],
    [
      'malware as the string "true"',
      { given: { ...base, malware: 'true', password: 'x' }, want: [{ pointer: '/malware', keyword: 'type', rule: 'must be of type boolean', value: 'true' }] },
    ],
    [
      'fileName over 100 characters',
      {
        given: { ...base, fileName: `${'f'.repeat(97)}.pdf` },
        want: [{ pointer: '/fileName', keyword: 'maxLength', rule: RULE.documentFileName, value: `${'f'.repeat(97)}.pdf` }],
      },
    ],
    [
      'insights without aiProvider',
      {
        given: { ...base, insights: 'AI text' },
        want: [{ pointer: '', keyword: 'dependentRequired', rule: RULE.insights, value: { ...base, insights: 'AI text' } }],
      },
    ],
  ];
  it.each(rows)('%s', (_name, { given, want }) => {
    expect(outcome(validateDocument(given))).toEqual(want);
  });
});

describe('Report', () => {
  const base = { name: 'Quarterly', type: 'Report', xid: XID };
  const rows: Row[] = [
    [
      'empty fileName',
      { given: { ...base, fileName: '' }, want: [{ pointer: '/fileName', keyword: 'minLength', rule: RULE.reportFileName, value: '' }] },
    ],
    [
      'bad publishDate',
      { given: { ...base, publishDate: 'yesterday' }, want: [{ pointer: '/publishDate', keyword: 'pattern', rule: RULE.date, value: 'yesterday' }] },
    ],
    [
      'insights without aiProvider',
      {
        given: { ...base, insights: 'AI text' },
        want: [{ pointer: '', keyword: 'dependentRequired', rule: RULE.insights, value: { ...base, insights: 'AI text' } }],
      },
    ],
    ['malware is a Document field only', {
      given: { ...base, malware: true },
      want: [{ pointer: '/malware', keyword: 'unevaluatedProperties', rule: RULE.unknownField('malware'), value: true }],
    }],
  ];
  it.each(rows)('%s', (_name, { given, want }) => {
    expect(outcome(validateReport(given))).toEqual(want);
  });
});

describe('Email', () => {
  const base = { name: 'Invoice phish', type: 'Email', xid: XID, subject: 'Invoice', header: 'Received: x', body: 'Pay now' };
  const rows: Row[] = [
    ['empty body is allowed', { given: { ...base, body: '' }, want: 'valid' }],
    [
      'no subject, header, body',
      {
        given: { name: 'Invoice phish', type: 'Email', xid: XID },
        want: [
          { pointer: '/subject', keyword: 'required', rule: RULE.emailRequired },
          { pointer: '/header', keyword: 'required', rule: RULE.emailRequired },
          { pointer: '/body', keyword: 'required', rule: RULE.emailRequired },
        ],
      },
    ],
    [
      'no header',
      { given: (({ header: _h, ...rest }) => rest)(base), want: [{ pointer: '/header', keyword: 'required', rule: RULE.emailRequired }] },
    ],
    [
      'negative score',
      { given: { ...base, score: -1 }, want: [{ pointer: '/score', keyword: 'minimum', rule: 'must be >= 0', value: -1 }] },
    ],
  ];
  it.each(rows)('%s', (_name, { given, want }) => {
    expect(outcome(validateEmail(given))).toEqual(want);
  });
});
