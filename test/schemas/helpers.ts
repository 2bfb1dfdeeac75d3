import type { ValidationIssue, ValidationResult } from '../../src/model/validation.js';

/** What a table row expects: `'valid'`, or the exact issues (pointer, keyword, rule, value). */
export type Want = 'valid' | Brief[];

/** The part of an issue the tables assert (schemaPath and item are checked in dedicated tests). */
export interface Brief {
  pointer: string;
  keyword: string;
  rule: string;
  value?: unknown;
}

/** A table row: `[name, { given, want }]`. */
export type Row = [string, { given: unknown; want: Want }];

/** Reduce a validation result to `'valid'` or the list of briefs, for exact comparison. */
export function outcome(result: ValidationResult<unknown>): Want {
  if (result.valid) return 'valid';
  return result.issues.map((i: ValidationIssue) => {
    const b: Brief = { pointer: i.pointer, keyword: i.keyword, rule: i.rule };
    if (i.value !== undefined) b.value = i.value;
    return b;
  });
}

/** Rule texts of the schemas (`x-tc-rule`) and of src/model/validation.ts, written out once. */
export const RULE = {
  groupName: 'a group name is 1 to 100 characters (ThreatConnect V2 Batch API: limits)',
  tagName: 'a tag name is 1 to 128 characters (ThreatConnect V2 Batch API: limits)',
  xid: 'an xid is a non-empty string (ThreatConnect V2 Batch API: group fields)',
  date: 'dates are ISO-8601, e.g. 2017-03-04T00:00:00Z; anything else fails the whole job with 0x1003 (ThreatConnect V2 Batch API: batch job errors)',
  rating: 'rating is a number from 0 to 5 (ThreatConnect REST API: indicator types)',
  confidence: 'confidence is an integer from 0 to 100 (ThreatConnect REST API: indicator types)',
  labelColor: 'a security label color is six hex digits such as FFC000 (ThreatConnect REST API: group types)',
  labelName: 'a security label needs a name',
  attributeValue: 'an attribute needs a non-empty value',
  fileOccurrence: 'a file occurrence has at least one of fileName, path, date (ThreatConnect V2 Batch API: indicator fields)',
  eventType: "eventType is one of TC's Event types (ThreatConnect V2 Batch API: group fields)",
  eventStatus: "Event status is one of TC's Event statuses; None means no status (ThreatConnect V2 Batch API: group fields)",
  incidentStatus: "Incident status is one of TC's Incident statuses (ThreatConnect V2 Batch API: group fields); None means no status as TC's exports write it",
  signatureRequired: 'a Signature needs fileName, fileType and fileText (ThreatConnect V2 Batch API: group fields)',
  signatureFileType: "Signature fileType is one of TC's signature types (ThreatConnect V2 Batch API: group fields)",
  malwarePassword: 'a malware Document needs a password (ThreatConnect V2 Batch API: group fields)',
  documentFileName: 'a Document fileName is 1 to 100 characters (ThreatConnect V2 Batch API: limits, Java SDK truncates to 100)',
  reportFileName: 'a Report fileName is 1 to 100 characters',
  insights: 'insights needs aiProvider (ThreatConnect V2 Batch API: group fields)',
  emailRequired: 'an Email needs subject, header and body (ThreatConnect V2 Batch API: group fields)',
  address: 'an Address is a valid IPv4 (no leading zeros) or IPv6 address (ThreatConnect REST API: indicator types)',
  host: 'a Host is an RFC 1123 host name in ASCII (IDNs as punycode), no underscores (ThreatConnect REST API: indicator types)',
  url: 'a URL includes its scheme (http://...), is printable ASCII and has a lower-case host (ThreatConnect REST API: indicator types)',
  emailAddress: 'an EmailAddress is a valid address such as user@example.com (ThreatConnect REST API: indicator types)',
  asn: "an ASN is 'ASN' followed by digits with no space, e.g. ASN12345 (ThreatConnect REST API: indicator types)",
  cidr: 'a CIDR is an IPv4 block, or an IPv6 block fully expanded in lower case without :: or leading zeros, e.g. abc:def:10:0:0:0:0:0/48 (ThreatConnect REST API: indicator types)',
  fileSummary:
    "a File summary is one to three hashes (md5 32, sha1 40, sha256 64 hex digits) joined by ' : ', at least one present (ThreatConnect V2 Batch API: indicator fields; ThreatConnect REST API: indicator types)",
  md5: 'md5 is 32 hex digits',
  sha1: 'sha1 is 40 hex digits',
  sha256: 'sha256 is 64 hex digits',
  registrySummary:
    "a Registry Key summary is 'key name : value name : value type' with a full hive name and a REG_* type (ThreatConnect V2 Batch API: indicator fields; ThreatConnect REST API: indicator types)",
  registryKeyName:
    'a Registry Key name starts with a full hive name such as HKEY_LOCAL_MACHINE (HKLM is rejected) (ThreatConnect REST API: indicator types)',
  registryValueName: "a Registry Key value name is required; use ' ' for none (ThreatConnect REST API: indicator types)",
  registryValueType: 'a Registry Key value type is one of REG_NONE, REG_BINARY, REG_DWORD, ... (ThreatConnect REST API: indicator types)',
  /** The "value in summary or <field>" rule of each indicator type. */
  needsValue: (type: string, fields: string) => `${/^[AEIO]/.test(type) ? 'an' : 'a'} ${type} needs its value in summary or ${fields} (ThreatConnect V2 Batch API: indicator fields)`,
  nonEmpty: (type: string) => `${/^[AEIO]/.test(type) ? 'an' : 'a'} ${type} is a non-empty string`,
  // Texts built by src/model/validation.ts from the keyword when the schema has no x-tc-rule.
  required: (field: string) => `${field} is required`,
  unknownField: (field: string) => `${field} is not a field of this object in the Batch V2 format`,
  constant: (v: string) => `must be ${JSON.stringify(v)}`,
};

/** Group types of tc-batch-api.md §10 that batch accepts (Task is v3-only). */
export const GROUP_TYPES = [
  'Adversary',
  'Attack Pattern',
  'Campaign',
  'Course of Action',
  'Document',
  'Email',
  'Event',
  'Incident',
  'Intrusion Set',
  'Malware',
  'Report',
  'Signature',
  'Tactic',
  'Threat',
  'Tool',
  'Vulnerability',
] as const;

/** Indicator types of tc-batch-api.md §9, in the generated (sorted by type name) order. */
export const INDICATOR_TYPES = [
  'ASN',
  'Address',
  'CIDR',
  'Email Subject',
  'EmailAddress',
  'File',
  'Hashtag',
  'Host',
  'Mutex',
  'Registry Key',
  'URL',
  'User Agent',
] as const;
