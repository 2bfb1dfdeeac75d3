/**
 * What the submit orchestrator needs from a batch, as plain shapes: `Batch` (src/batch) satisfies
 * them structurally, so nothing here imports the batch layer.
 */
import type { BatchContent } from '../../generated/types/index.js';

/** File content: bytes, text, or a callback given the group's xid (awaited at upload time). */
export type SubmitFileContent = string | Uint8Array | ((xid: string) => string | Uint8Array | Promise<string | Uint8Array>);

/** A pending Document/Report upload of a chunk's group. */
export interface SubmitFile {
  xid: string;
  /** `Document` or `Report`. */
  type: string;
  fileName: string | undefined;
  content: SubmitFileContent;
}

/** Item counts by kind. */
export interface KindCounts {
  group: number;
  indicator: number;
  association: number;
}

/** One batch content file as the orchestrator sends it. */
export interface SubmitChunk {
  /** 0-based position of the chunk. */
  readonly index: number;
  /** The exact JSON text sent. */
  readonly text: string;
  /** UTF-8 byte length of `text`. */
  readonly bytes: number;
  readonly counts: KindCounts;
  /** Uploads for Document/Report groups of this chunk, sent after its job Completed. */
  readonly files: readonly SubmitFile[];
  /** Xids of the groups and indicators of this chunk, in order. */
  readonly xids: { readonly group: readonly string[]; readonly indicator: readonly string[] };
  /** Group xids referenced by the chunk's items (associations), when the batch knows them. */
  readonly groupRefs?: readonly string[];
  /** The content as objects (parsed on access). */
  readonly content: BatchContent;
}

/** An item the batch refused while chunking (it broke a rule after it was added). */
export interface RejectedItem {
  kind: 'group' | 'indicator' | 'association';
  type: string | undefined;
  xid: string | undefined;
  /** The rule broken, as the ValidationError says it. */
  reason: string;
}

/** What the orchestrator needs from a batch. */
export interface Submittable {
  /**
   * The chunks, in order. `onInvalid` receives items that break a rule: they are left out of the
   * chunk instead of stopping the run.
   */
  chunks(limits?: { onInvalid?: (item: RejectedItem) => void }): Iterable<SubmitChunk>;
  /** The job config sent with every job (every value a string). */
  readonly settings: Record<string, string>;
  /** Items in the batch, by kind (before chunking). */
  readonly counts: { groups: number; indicators: number; associations: number };
}
