/**
 * Item accounting of a submit: every group, indicator and association entry of the batch ends in
 * exactly one state, and `total = rejected + succeeded + failed + unprocessed + notSent + unknown`
 * holds for each kind at the end of every submit (checked; a violation is a bug and throws).
 *
 * - rejected: refused on the client before sending (a rule broken; the CLI adds what it could not
 *   import),
 * - succeeded / failed: the server's per-kind counts of a Completed job (`includeAdditional=true`;
 *   `failed` counts items, not error records),
 * - unprocessed: sent in a Completed job but not reached (e.g. after `haltOnError`),
 * - notSent: never sent (the run halted or was stopped first; or the server refused the request
 *   before it received the data),
 * - unknown: sent, but the outcome is not known yet (poll deadline, lost answers): a resume with the
 *   journal resolves it.
 */
import type { BatchStatus } from '../../generated/types/index.js';
import { statusCounts } from '../../generated/catalog.js';
import type { StatusCountInfo } from '../model/catalog-types.js';
import { TcBatchError } from '../errors.js';
import type { KindCounts } from './types.js';

/** The states of one kind of item. */
export interface ItemStates {
  total: number;
  rejected: number;
  succeeded: number;
  failed: number;
  unprocessed: number;
  notSent: number;
  unknown: number;
}

/** Kinds of items, as the totals name them. */
export const KINDS = ['groups', 'indicators', 'associations'] as const;
/** One of {@link KINDS}. */
export type ItemKind = (typeof KINDS)[number];

const WIRE: Record<ItemKind, keyof KindCounts> = { groups: 'group', indicators: 'indicator', associations: 'association' };

/** All zero. */
export function noItems(): ItemStates {
  return { total: 0, rejected: 0, succeeded: 0, failed: 0, unprocessed: 0, notSent: 0, unknown: 0 };
}

/** The states of each kind. */
export type StatesByKind = Record<ItemKind, ItemStates>;

/** All zero, for each kind. */
export function noItemsByKind(): StatesByKind {
  return { groups: noItems(), indicators: noItems(), associations: noItems() };
}

/** Add `b` into `a`. */
export function addStates(a: ItemStates, b: ItemStates): void {
  for (const k of Object.keys(a) as Array<keyof ItemStates>) a[k] += b[k];
}

/** The sum of the states other than `total`. */
export function accounted(s: ItemStates): number {
  return s.rejected + s.succeeded + s.failed + s.unprocessed + s.notSent + s.unknown;
}

const clamp = (n: number | undefined, max: number) => Math.max(0, Math.min(n ?? 0, max));

/** Every item of a chunk in one state (`unknown`, `notSent`, `failed`). */
export function chunkIn(state: 'unknown' | 'notSent' | 'failed', sent: KindCounts): StatesByKind {
  const out = noItemsByKind();
  for (const k of KINDS) {
    out[k].total = sent[WIRE[k]];
    out[k][state] = sent[WIRE[k]];
  }
  return out;
}

/**
 * The states of a chunk whose job is Completed, from the status counts. With the per-kind counts
 * (`includeAdditional=true`, which this client always asks for): succeeded and failed by kind, the
 * rest unprocessed. A server that omits them: `successCount`/`errorCount` are spread over groups
 * then indicators, and associations count as succeeded only when the job has no error and nothing
 * unprocessed (else unknown).
 */
export function completedStates(sent: KindCounts, s: BatchStatus): StatesByKind {
  const count = (items: StatusCountInfo['items'], outcome: StatusCountInfo['outcome']) => statusCount(s, items, outcome);
  const out = noItemsByKind();
  const perKind = [count('group', 'success'), count('indicator', 'success'), count('group', 'error'), count('indicator', 'error')].some((c) => c !== undefined);
  const set = (k: ItemKind, success: number | undefined, error: number | undefined) => {
    const n = sent[WIRE[k]];
    const st = out[k];
    st.total = n;
    st.succeeded = clamp(success, n);
    st.failed = clamp(error, n - st.succeeded);
    st.unprocessed = n - st.succeeded - st.failed;
  };
  if (perKind) {
    set('groups', count('group', 'success'), count('group', 'error'));
    set('indicators', count('indicator', 'success'), count('indicator', 'error'));
    set('associations', count('association', 'success') ?? (sent.association - (count('association', 'error') ?? 0)), count('association', 'error'));
    return out;
  }
  const success = count('all', 'success') ?? 0;
  const errors = count('all', 'error') ?? 0;
  const g = clamp(success, sent.group);
  set('groups', g, Math.min(errors, sent.group - g));
  const i = clamp(success - g, sent.indicator);
  set('indicators', i, Math.min(Math.max(0, errors - out.groups.failed), sent.indicator - i));
  const a = out.associations;
  a.total = sent.association;
  if (errors === 0 && (count('all', 'unprocessed') ?? 0) === 0) a.succeeded = sent.association;
  else a.unknown = sent.association;
  return out;
}

/** The count of a status that counts `items` with `outcome` (`statusCounts` of the catalogue), if the status has it. */
export function statusCount(s: BatchStatus, items: StatusCountInfo['items'], outcome: StatusCountInfo['outcome']): number | undefined {
  for (const [name, info] of Object.entries(statusCounts) as Array<[keyof typeof statusCounts, StatusCountInfo]>) {
    if (info.items === items && info.outcome === outcome) return s[name];
  }
  return undefined;
}

/** The identity `total = sum of states` failed: a bug in tcbatch, never expected. */
export class AccountingError extends TcBatchError {
  constructor(kind: ItemKind, states: ItemStates) {
    super('TCB_ACCOUNTING', `${kind}: total ${states.total} is not the sum of its states ${JSON.stringify(states)}; please report this`);
  }
}

/**
 * Check the identity for every kind.
 * @throws AccountingError naming the first kind whose states do not add up.
 */
export function checkIdentity(byKind: StatesByKind): void {
  for (const k of KINDS) if (accounted(byKind[k]) !== byKind[k].total) throw new AccountingError(k, byKind[k]);
}
