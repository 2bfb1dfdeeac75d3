/**
 * Job lifecycle (ThreatConnect's V2 Batch API page): Created on `POST /v2/batch`, Queued on upload,
 * Running while processed, Completed after. Up to `workers` jobs are Running at the same time; the
 * others wait Queued in upload order. A Running job is processed in slices (one transaction each)
 * with the event loop free in between, so several jobs progress together and the server keeps
 * answering. Timing comes from the `timing` options and the slow / stuck job faults; all zero by
 * default, so a job completes right after its upload answer.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { JobConfig } from './config.js';
import { NOT_FOUND_MESSAGE, v2Failure, v2Invalid } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { processJob, processSteps, type ProcessInput, type ProcessOutput } from './processor.js';
import type { Random } from './random.js';
import { interrupted } from './records.js';
import type { JobCounts, JobPhase, JobSummary, Store, StoredJob } from './store.js';

const RANK: Record<JobPhase, number> = { Created: 0, Queued: 1, Running: 2, Completed: 3 };

/** `data.batchStatus` (ThreatConnect's V2 Batch API page); the six per-kind counts only with includeAdditional. */
export type BatchStatusBody = {
  id: number;
  status: JobPhase;
  errorCount: number;
  successCount: number;
  unprocessCount: number;
} & Partial<Omit<JobCounts, 'errorCount' | 'successCount' | 'unprocessCount'>>;

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
  /** Jobs whose queue delay is over, waiting for a worker, in upload order. */
  private readonly waiting: number[] = [];
  /** Jobs holding a worker (processing, or Running out their run delay). */
  private readonly active = new Set<number>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly opts: ResolvedOptions,
    private readonly random: Random,
  ) {}

  /** Create a job in phase Created; returns its id (ThreatConnect's V2 Batch API page). */
  create(config: JobConfig, user = ''): number {
    return this.store.createJob(config.owner, config as unknown as Record<string, unknown>, this.stampNow(), user);
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
   * Accept a job's content and queue it (ThreatConnect's V2 Batch API page). With `sync`, process it before
   * returning (createAndUpload below `synchronousLimit`), outside the worker pool.
   *
   * @throws EmulatorHttpError 400 `{"status":"Invalid","description":"Batch already in <phase> state"}` when the job already has content
   */
  upload(id: number, content: Buffer, sync = false): void {
    const job = this.get(id);
    if (job.phase !== 'Created') throw v2Invalid('TCE_ALREADY_UPLOADED', `Batch already in ${job.phase} state`);
    const stuck = this.opts.faults.stuckJobRate > 0 && this.random() < this.opts.faults.stuckJobRate;
    this.store.queueJob(id, content, stuck, this.stampNow());
    if (sync) this.runInline(id);
    else this.later(() => this.enqueue(id), this.opts.timing.queueDelayMs);
  }

  /**
   * Re-schedule jobs left Queued or Running by a previous server on the same database. A job found
   * Running without a result was being processed when that server died: it is completed with a
   * job-fatal error record instead of being processed again (so content that killed a server cannot
   * kill the next one).
   */
  resume(): void {
    for (const job of this.store.unfinishedJobs()) {
      if (job.counts) this.later(() => this.finish(job.id), 0);
      else if (job.phase === 'Running') this.fail(job.id);
      else this.later(() => this.enqueue(job.id), 0);
    }
  }

  /**
   * Every job, newest first, with what the emulator knows about it (for tests and the console).
   *
   * @param user only this user's jobs (and those of a database from before users)
   */
  list(user?: string): JobSummary[] {
    return this.store.listJobs(user);
  }

  /**
   * The status a client sees. `poll` counts this call as a status poll (`GET /v2/batch/{id}`);
   * `pollsPerState` holds back Queued/Running for that many polls each.
   */
  status(id: number, poll: boolean, includeAdditional: boolean): BatchStatusBody {
    const job = this.get(id);
    const phase = this.visiblePhase(job, poll);
    const c = phase === 'Completed' && job.counts ? job.counts : ZERO;
    const body: BatchStatusBody = {
      id,
      status: phase,
      errorCount: c.errorCount,
      successCount: c.successCount,
      unprocessCount: c.unprocessCount,
    };
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

  /**
   * Stop every timer and worker. A job being processed stops at its next slice and goes back to
   * Queued; unfinished jobs stay in the database and resume on the next start.
   */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const id of this.active) {
      const job = this.store.job(id);
      if (job && job.phase === 'Running' && !job.counts) this.store.setPhase(id, 'Queued', this.stampNow());
    }
  }

  private visiblePhase(job: StoredJob, poll: boolean): JobPhase {
    if (job.phase === 'Created') return 'Created';
    const p = this.opts.timing.pollsPerState;
    // a poll advances the ladder; other reads see what the last poll answered
    const k = poll ? this.store.countPoll(job.id) : Math.max(0, job.polls - 1);
    const ladder: JobPhase = k < p ? 'Queued' : k < 2 * p ? 'Running' : 'Completed';
    return RANK[ladder] < RANK[job.phase] ? ladder : job.phase;
  }

  private input(job: StoredJob): ProcessInput {
    return {
      store: this.store,
      owner: job.owner,
      config: job.config as unknown as JobConfig,
      content: job.content ?? Buffer.alloc(0),
      indicatorLimit: this.opts.indicatorLimit,
      now: this.isoNow(),
      types: this.opts.types,
    };
  }

  private enqueue(id: number): void {
    if (!this.waiting.includes(id) && !this.active.has(id)) this.waiting.push(id);
    this.pump();
  }

  /** Start waiting jobs while a worker is free. */
  private pump(): void {
    while (!this.closed && this.active.size < this.opts.workers && this.waiting.length > 0) {
      const id = this.waiting.shift()!;
      const job = this.store.job(id);
      if (!job || job.content === null || job.phase === 'Completed') continue;
      this.active.add(id);
      this.work(job).catch(() => {
        // the store failed under the job (e.g. closed while stopping): never an unhandled rejection
        this.active.delete(id);
        if (!this.closed) this.fail(id);
      });
    }
  }

  /** One worker's life with one job: process in slices, hold Running for the run delay, complete. */
  private async work(job: StoredJob): Promise<void> {
    this.store.setPhase(job.id, 'Running', this.stampNow());
    const steps = processSteps(this.input(job));
    let out: ProcessOutput | undefined;
    while (!out) {
      await nextTurn();
      if (this.closed) return;
      const r = this.store.transaction(() => steps.next());
      if (r.done) out = r.value;
    }
    this.store.saveResult(job.id, out.counts, out.errors);
    const release = () => {
      this.active.delete(job.id);
      this.pump();
    };
    if (job.stuck) return release();
    const wait = this.opts.timing.runDelayMs + this.opts.faults.slowJobMs;
    if (wait === 0) {
      this.finish(job.id);
      release();
    } else {
      this.later(() => {
        this.finish(job.id);
        release();
      }, wait);
    }
  }

  private runInline(id: number): void {
    const job = this.get(id);
    this.store.setPhase(id, 'Running', this.stampNow());
    const out = processJob(this.input(job));
    this.store.saveResult(id, out.counts, out.errors);
    if (!job.stuck) this.finish(id);
  }

  /** Complete a job that a dead server left half-processed, with one job-fatal record. */
  private fail(id: number): void {
    const counts: JobCounts = { ...ZERO, errorCount: 1 };
    this.store.saveResult(id, counts, [interrupted()]);
    this.store.setPhase(id, 'Completed', this.stampNow());
  }

  private finish(id: number): void {
    const job = this.store.job(id);
    if (job && !job.stuck) this.store.setPhase(id, 'Completed', this.stampNow());
  }

  private later(fn: () => void, ms: number): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
  }

  /** Job time stamps: ISO-8601 UTC with milliseconds. */
  private stampNow(): string {
    return new Date(this.opts.clock()).toISOString();
  }

  private isoNow(): string {
    return new Date(this.opts.clock()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}
