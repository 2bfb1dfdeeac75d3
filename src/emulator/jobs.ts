/**
 * Job lifecycle (tc-batch-api.md §3.2–§3.4, §6): Created on `POST /v2/batch`, Queued on upload,
 * Running while processed, Completed after. Timing comes from the `timing` options and the slow /
 * stuck job faults; all zero by default, so a job completes right after its upload answer.
 */
import type { JobConfig } from './config.js';
import { NOT_FOUND_MESSAGE, v2Failure } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { processJob } from './processor.js';
import type { Random } from './random.js';
import type { JobCounts, JobPhase, Store, StoredJob } from './store.js';

const RANK: Record<JobPhase, number> = { Created: 0, Queued: 1, Running: 2, Completed: 3 };

/** `data.batchStatus` (tc-batch-api.md §6); the six per-kind counts only with includeAdditional. */
export type BatchStatusBody = { id: number; status: JobPhase; errorCount: number; successCount: number; unprocessCount: number } & Partial<
  Omit<JobCounts, 'errorCount' | 'successCount' | 'unprocessCount'>
>;

const ZERO: JobCounts = {
  successCount: 0,
  errorCount: 0,
  unprocessCount: 0,
  successIndicatorCount: 0,
  errorIndicatorCount: 0,
  successGroupCount: 0,
  errorGroupCount: 0,
  successAssociationCount: 0,
  errorAssociationCount: 0,
};

/** Creates, schedules and reports jobs. One per server. */
export class JobRunner {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly opts: ResolvedOptions,
    private readonly random: Random,
  ) {}

  /** Create a job in phase Created; returns its id (tc-batch-api.md §3.1). */
  create(config: JobConfig): number {
    return this.store.createJob(config.owner, config as unknown as Record<string, unknown>, this.isoNow());
  }

  /**
   * A job by id.
   *
   * @throws EmulatorHttpError 404 `{"status":"Failure","message":"The requested resource was not found"}`
   */
  get(id: number): StoredJob {
    const job = Number.isSafeInteger(id) ? this.store.job(id) : undefined;
    if (!job) throw v2Failure('TCE_NOT_FOUND', 404, NOT_FOUND_MESSAGE);
    return job;
  }

  /**
   * Accept a job's content and queue it (tc-batch-api.md §3.2). With `sync`, process it before
   * returning (createAndUpload below `synchronousLimit`, §3.3).
   *
   * @throws EmulatorHttpError 400 when the job already has content
   */
  upload(id: number, content: Buffer, sync = false): void {
    const job = this.get(id);
    if (job.phase !== 'Created') throw v2Failure('TCE_ALREADY_UPLOADED', 400, `Batch job ${id} already has data`);
    const stuck = this.opts.faults.stuckJobRate > 0 && this.random() < this.opts.faults.stuckJobRate;
    this.store.queueJob(id, content, stuck);
    if (sync) this.start(id);
    else this.later(() => this.start(id), this.opts.timing.queueDelayMs);
  }

  /** Re-schedule jobs left Queued or Running by a previous server on the same database. */
  resume(): void {
    for (const job of this.store.unfinishedJobs()) {
      if (job.counts) this.later(() => this.finish(job.id), 0);
      else this.later(() => this.start(job.id), 0);
    }
  }

  /**
   * The status a client sees. `poll` counts this call as a status poll (`GET /v2/batch/{id}`);
   * `pollsPerState` (§12 item 5) holds back Queued/Running for that many polls each.
   */
  status(id: number, poll: boolean, includeAdditional: boolean): BatchStatusBody {
    const job = this.get(id);
    const phase = this.visiblePhase(job, poll);
    const c = phase === 'Completed' && job.counts ? job.counts : ZERO;
    const body: BatchStatusBody = { id, status: phase, errorCount: c.errorCount, successCount: c.successCount, unprocessCount: c.unprocessCount };
    if (includeAdditional) {
      Object.assign(body, {
        successIndicatorCount: c.successIndicatorCount,
        errorIndicatorCount: c.errorIndicatorCount,
        successGroupCount: c.successGroupCount,
        errorGroupCount: c.errorGroupCount,
        successAssociationCount: c.successAssociationCount,
        errorAssociationCount: c.errorAssociationCount,
      });
    }
    return body;
  }

  /** Stop every timer; unfinished jobs stay in the database and resume on the next start. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private visiblePhase(job: StoredJob, poll: boolean): JobPhase {
    if (job.phase === 'Created') return 'Created';
    const p = this.opts.timing.pollsPerState;
    // a poll advances the ladder; other reads see what the last poll answered
    const k = poll ? this.store.countPoll(job.id) : Math.max(0, job.polls - 1);
    const ladder: JobPhase = k < p ? 'Queued' : k < 2 * p ? 'Running' : 'Completed';
    return RANK[ladder] < RANK[job.phase] ? ladder : job.phase;
  }

  private start(id: number): void {
    const job = this.store.job(id);
    if (!job || job.content === null || job.phase === 'Completed') return;
    this.store.setPhase(id, 'Running');
    const out = processJob({
      store: this.store,
      owner: job.owner,
      config: job.config as unknown as JobConfig,
      content: job.content,
      indicatorLimit: this.opts.indicatorLimit,
      now: this.isoNow(),
    });
    this.store.saveResult(id, out.counts, out.errors);
    if (job.stuck) return;
    const wait = this.opts.timing.runDelayMs + this.opts.faults.slowJobMs;
    if (wait === 0) this.finish(id);
    else this.later(() => this.finish(id), wait);
  }

  private finish(id: number): void {
    const job = this.store.job(id);
    if (job && !job.stuck) this.store.setPhase(id, 'Completed');
  }

  private later(fn: () => void, ms: number): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
  }

  private isoNow(): string {
    return new Date(this.opts.clock()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}
