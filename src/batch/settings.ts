/**
 * Batch job settings (ThreatConnect V2 Batch API: batch job settings): typed options in, the exact config object out, sent as
 * the reference sends it (ThreatConnect TcEx Batch module): `version: "V2"`, `haltOnError` and
 * `playbookTriggersEnabled` as the strings `"true"`/`"false"`, `hashCollisionMode` and
 * `fileMergeMode` only when set. The result is checked with the generated job config validator.
 */
import { ValidationError } from '../errors.js';
import { validateBatchJobConfig } from '../../generated/validators/index.js';
import type { BatchJobConfig } from '../../generated/types/index.js';

/** Job settings a user may give; enums come from `schemas/batch/job-config.json`. */
export interface JobSettings {
  /** Organization, Community or Source name. */
  owner?: string;
  /** Default `Create`. */
  action?: BatchJobConfig['action'];
  /** Default `Replace` (the reference's default). */
  attributeWriteType?: BatchJobConfig['attributeWriteType'];
  /** Default `Replace`. */
  tagWriteType?: NonNullable<BatchJobConfig['tagWriteType']>;
  /** Default `Replace`. */
  securityLabelWriteType?: NonNullable<BatchJobConfig['securityLabelWriteType']>;
  /** Server-side: stop at the first error (the job still ends Completed). Default true. */
  haltOnError?: boolean;
  /** Default false. */
  playbookTriggersEnabled?: boolean;
  /** Sent only when set (server default FavorIncoming). */
  hashCollisionMode?: NonNullable<BatchJobConfig['hashCollisionMode']>;
  /** Sent only when set (server default Merge). */
  fileMergeMode?: NonNullable<BatchJobConfig['fileMergeMode']>;
}

/** The config object as sent: every value a string. */
export type WireJobConfig = Record<string, string>;

/**
 * Build the exact job config.
 * @throws ValidationError (`TCB_INVALID_SETTING`) when the owner is missing or a value is outside
 *   its enum; the field is named.
 */
export function jobConfig(settings: JobSettings): WireJobConfig {
  if (!settings.owner) {
    throw new ValidationError({ field: 'owner', rule: 'a batch job needs an owner (Batch option owner or TC_OWNER)', value: settings.owner, code: 'TCB_INVALID_SETTING' });
  }
  const config: WireJobConfig = {
    action: settings.action ?? 'Create',
    attributeWriteType: settings.attributeWriteType ?? 'Replace',
    haltOnError: String(settings.haltOnError ?? true),
    owner: settings.owner,
    playbookTriggersEnabled: String(settings.playbookTriggersEnabled ?? false),
    securityLabelWriteType: settings.securityLabelWriteType ?? 'Replace',
    tagWriteType: settings.tagWriteType ?? 'Replace',
    version: 'V2',
  };
  if (settings.hashCollisionMode !== undefined) config.hashCollisionMode = settings.hashCollisionMode;
  if (settings.fileMergeMode !== undefined) config.fileMergeMode = settings.fileMergeMode;
  const result = validateBatchJobConfig(config);
  if (!result.valid) {
    const issue = result.issues[0]!;
    throw new ValidationError({ field: issue.pointer.slice(1), rule: issue.rule, value: issue.value, pointer: issue.pointer, code: 'TCB_INVALID_SETTING' });
  }
  return config;
}
