/**
 * The batch job config (body of `POST /v2/batch`, `config` part of createAndUpload): validated with
 * the project's schema, booleans accepted as `true`/`"true"`, defaults of ThreatConnect's V2 Batch API page filled in.
 */
import { validateBatchJobConfig } from '../../generated/validators/index.js';
import { v2Failure, type EmulatorHttpError } from './errors.js';

/** A job config with defaults applied (ThreatConnect's V2 Batch API page). */
export interface JobConfig {
  version: 'V1' | 'V2';
  owner: string;
  haltOnError: boolean;
  action: 'Create' | 'Delete';
  attributeWriteType: 'Append' | 'Replace' | 'Singleton' | 'Static';
  /** Default Replace. */
  tagWriteType: 'Append' | 'Replace';
  /** Default Replace. */
  securityLabelWriteType: 'Append' | 'Replace';
  /** Default Merge. */
  fileMergeMode: 'Distribute' | 'Merge';
  /** Default FavorIncoming. */
  hashCollisionMode: 'FavorExisting' | 'FavorIncoming' | 'IgnoreExisting' | 'IgnoreIncoming' | 'Split';
  playbookTriggersEnabled: boolean;
}

const asBool = (v: unknown): boolean => v === true || v === 'true';

/**
 * Parse and check a job config.
 *
 * @param data the parsed JSON body
 * @returns the config with defaults (`tagWriteType`/`securityLabelWriteType` Replace, `fileMergeMode`
 *   Merge, `hashCollisionMode` FavorIncoming, `version` V1) — ThreatConnect's V2 Batch API page
 * @throws EmulatorHttpError 400 `{"status":"Failure","message":"Invalid batch config: <field> ..."}`
 *   naming the first bad field (an unknown enum value, a missing required field, an unknown field)
 */
export function parseJobConfig(data: unknown): JobConfig {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw bad('the body must be a JSON object');
  const r = validateBatchJobConfig(data);
  if (!r.valid) {
    const issue = r.issues[0]!;
    const field = issue.pointer.replace(/^\//, '') || 'body';
    if (issue.keyword === 'required') throw bad(`${field} is required`);
    if (issue.keyword === 'additionalProperties' || issue.keyword === 'unevaluatedProperties') throw bad(`${field} is not a batch config field`);
    throw bad(`${field} has an invalid value ${JSON.stringify(issue.value)}: ${issue.rule}`);
  }
  const c = r.value;
  return {
    version: c.version ?? 'V1',
    owner: c.owner,
    haltOnError: asBool(c.haltOnError),
    action: c.action,
    attributeWriteType: c.attributeWriteType,
    tagWriteType: c.tagWriteType ?? 'Replace',
    securityLabelWriteType: c.securityLabelWriteType ?? 'Replace',
    fileMergeMode: c.fileMergeMode ?? 'Merge',
    hashCollisionMode: c.hashCollisionMode ?? 'FavorIncoming',
    playbookTriggersEnabled: asBool(c.playbookTriggersEnabled),
  };
}

function bad(text: string): EmulatorHttpError {
  return v2Failure('TCE_BAD_CONFIG', 400, `Invalid batch config: ${text}`);
}
