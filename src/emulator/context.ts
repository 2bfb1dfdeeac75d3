/**
 * What the item handlers of one job share: the store, the job's owner and config, and the time
 * stamp written on changed items.
 */
import type { JobConfig } from './config.js';
import { TcBatchError } from '../errors.js';
import type { ErrorRecord, ItemRef, Store } from './store.js';
import type { TypeLookup } from '../batch/types.js';

/** One job being processed. */
export interface JobContext {
  store: Store;
  owner: string;
  config: JobConfig;
  /** ISO-8601 time written as `dateAdded`/`lastModified`. */
  now: string;
  /** The indicator types the emulator accepts: built-in, and the custom ones of its `indicatorTypes` option. */
  types: TypeLookup;
}

/** An association named inside a group or indicator, applied after all items (ThreatConnect's V2 Batch API page). */
export interface PendingAssociation {
  from: ItemRef;
  /** The item's summary, name or xid, for messages. */
  fromLabel: string;
  to: { kind: 'group'; xid: string } | { kind: 'indicator'; type: string; summary: string };
}

/** Result of handling one item: success (with associations to apply later) or an error record. */
export type ItemOutcome = { ok: true; pending: PendingAssociation[] } | { ok: false; record: ErrorRecord };

/** Thrown inside item handlers for a job-fatal problem (0x1003); carries the record. */
export class FatalItemError extends TcBatchError {
  readonly record: ErrorRecord;
  constructor(record: ErrorRecord) {
    super('TCE_FATAL_ITEM', record.errorReason);
    this.record = record;
  }
}

/** Keys of a batch item that are not stored as plain fields (metadata and association lists). */
export const STRUCTURAL_KEYS = new Set([
  'type',
  'attribute',
  'tag',
  'securityLabel',
  'associatedGroupXid',
  'associatedGroups',
  'associatedIndicators',
]);
