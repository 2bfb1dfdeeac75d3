/**
 * `Batch`: build a ThreatConnect batch with the seed's three interfaces (the typed per-type
 * methods come from `generated/builders`), then get its job settings and its content chunk by
 * chunk, or write the chunks to disk (the dry run).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TypedBatch } from '../../generated/builders/index.js';
import { chunkStore, type Chunk, type ChunkLimits } from './chunker.js';
import { jobConfig, type JobSettings, type WireJobConfig } from './settings.js';
import type { BatchStore } from './store.js';

/** Options of a {@link Batch}: job settings, chunk limits and the store. */
export interface BatchOptions extends JobSettings {
  /** Chunk limits (items, bytes, indicators per chunk). */
  limits?: ChunkLimits;
  /** Where items live until chunked (default: in memory). */
  store?: BatchStore;
}

/**
 * A batch of groups, indicators and associations for one owner.
 *
 * ```ts
 * const batch = new Batch({ owner: 'MyOrg' });
 * const adversary = batch.adversary('adversary-001', 'my-xid-000');
 * adversary.attribute('Description', 'Example Description', true);
 * for (const chunk of batch.chunks()) console.log(chunk.text);
 * ```
 */
export class Batch extends TypedBatch {
  /** Job settings; change them before submitting. */
  readonly options: JobSettings;
  /** Default chunk limits. */
  readonly limits: ChunkLimits;

  constructor(options: BatchOptions = {}) {
    const { limits, store, ...settings } = options;
    super({ store });
    this.options = settings;
    this.limits = limits ?? {};
  }

  /**
   * The exact job config that will be sent (tc-batch-api.md §4), e.g.
   * `{"action":"Create","attributeWriteType":"Replace","haltOnError":"true","owner":"MyOrg","playbookTriggersEnabled":"false","securityLabelWriteType":"Replace","tagWriteType":"Replace","version":"V2"}`.
   * @throws ValidationError when the owner is missing or a setting is outside its enum.
   */
  get settings(): WireJobConfig {
    return jobConfig(this.options);
  }

  /**
   * The batch content, chunk by chunk (groups with their association chains, then indicators,
   * then associations). The batch is not emptied: iterating again gives the same chunks.
   * @param limits overrides of the batch's chunk limits
   * @throws ValidationError when an item breaks a rule of its type schema.
   */
  *chunks(limits: ChunkLimits = {}): Generator<Chunk> {
    yield* chunkStore(this.store, { ...this.limits, ...limits });
  }

  /**
   * Write every chunk as `batch-0001.json`, `batch-0002.json`, ... into `dir` (created if needed):
   * the dry run. File contents are not written.
   * @returns the paths written, in chunk order.
   */
  write(dir: string, limits: ChunkLimits = {}): string[] {
    mkdirSync(dir, { recursive: true });
    const paths: string[] = [];
    for (const chunk of this.chunks(limits)) {
      const path = join(dir, `batch-${String(chunk.index + 1).padStart(4, '0')}.json`);
      writeFileSync(path, chunk.text);
      paths.push(path);
    }
    return paths;
  }
}
