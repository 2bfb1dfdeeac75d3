/**
 * `tcbatch submit FILE...`: read batch content files, add every item to a Batch (rejecting, with a
 * reason, what breaks a rule), and submit it with the orchestrator to the server named by
 * `TC_API_PATH` with `TC_API_ACCESS_ID`/`TC_API_SECRET_KEY` or `TC_TOKEN` (`--dry-run` writes the
 * chunks instead), optionally with a journal that makes a second run resume. Exit codes: see
 * {@link submitExitCode} and the command's help.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Batch } from '../batch/batch.js';
import { TcClient } from '../client/client.js';
import { importRecords, importRecordStream } from '../importers/batch-content.js';
import type { SubmitResult } from '../submit/submit.js';
import { contentSource, type ContentItem } from '../importers/content-file.js';
import { importProgressView, progressView, type ImportStep } from './progress.js';
import { storeFor, DISK_STORE_BYTES } from './store-option.js';
import { formatSummary } from './summary.js';
import { INDICATOR_TYPES_HELP, typesOption } from './types-option.js';
import { heapGuard } from './heap.js';
import { EXIT, UsageError, nonNegativeNumber, positiveInteger } from './usage.js';
import { NetworkError, TcApiError } from '../client/errors.js';
import { jobConfigEnums } from '../../generated/catalog.js';
import type { BatchJobConfig } from '../../generated/types/index.js';

/** An item refused before sending. */
export interface Reject {
  source: string;
  value: string;
  reason: string;
}

/**
 * Add content items to a batch (see `importRecords`).
 * @returns the items refused, each with its source and the rule it broke, and the duplicates
 *   (same xid as an earlier item; the first is kept)
 */
export function addItems(batch: Batch, items: readonly ContentItem[]): { rejects: Reject[]; duplicates: Reject[] } {
  const report = importRecords(items, batch, 'content');
  return {
    rejects: report.rejects,
    duplicates: report.duplicateSources.map((d) => ({ ...d, reason: DUPLICATE_REASON })),
  };
}

/** Rejects and duplicates as lines (the first 20 of each; `--report` has them all). */
export function listing(rejects: readonly Reject[], duplicates: readonly Reject[]): string {
  const lines: string[] = [];
  for (const [title, list] of [['rejected', rejects], ['duplicates', duplicates]] as const) {
    if (list.length === 0) continue;
    lines.push(`${title} (${list.length}):`);
    for (const r of list.slice(0, 20)) lines.push(`  ${r.source}: ${r.value}: ${r.reason}`);
    if (list.length > 20) lines.push(`  ... ${list.length - 20} more (see --report)`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

interface SubmitFlags {
  owner?: string;
  dryRun?: boolean;
  out?: string;
  json?: boolean;
  report?: string;
  journal?: string;
  action?: BatchJobConfig['action'];
  haltOnError?: boolean;
  attributeWriteType?: BatchJobConfig['attributeWriteType'];
  maxItems?: number;
  concurrency?: number;
  pollSchedule?: 'default' | 'tcex';
  pollTimeout?: number;
  firstWait?: number;
  pollInterval?: number;
  quiet?: boolean;
  store?: string;
  indicatorTypes?: string;
}

/** `A, B or C`: the values of a job config setting, from the schemas, for the help text. */
function oneOf(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/**
 * Add the items of content files to a batch, reading NDJSON files as streams in two passes (see
 * `importRecordStream`: the same report as {@link addItems} of every file's items).
 * @returns the rejects and duplicates as {@link addItems} gives them, and the rejects by kind
 */
export async function addFiles(batch: Batch, files: readonly string[], onProgress?: (file: string, step: ImportStep) => void): Promise<{ rejects: Reject[]; duplicates: Reject[]; rejectedByKind: Record<'groups' | 'indicators' | 'associations', number> }> {
  const rejectedByKind = { groups: 0, indicators: 0, associations: 0 };
  const start = batch.size + batch.counts.associations;
  const input = contentSource(files, onProgress ? { onBytes: (file, bytesRead, totalBytes, pass) => onProgress(file, { bytesRead, totalBytes, pass, passes: 2, items: batch.size + batch.counts.associations - start }) } : {});
  const report = await importRecordStream(input, batch, 'content', { rejectedByKind });
  return {
    rejects: report.rejects,
    duplicates: report.duplicateSources.map((d) => ({ ...d, reason: DUPLICATE_REASON })),
    rejectedByKind,
  };
}

const DUPLICATE_REASON = 'same xid as an earlier item: the first one is kept (first write wins)';

/**
 * The exit code of a finished submit: 130 stopped by a signal; 3 the run halted on a transport,
 * authentication or server failure, or left items with an unknown outcome; 1 items rejected,
 * failed or unprocessed; 0 every item succeeded.
 */
export function submitExitCode(result: SubmitResult, interrupted: boolean): number {
  const t = result.totals;
  if (interrupted) return EXIT.interrupted;
  if ((result.halted && result.failure && result.failure.code !== 'TCB_JOB_ERRORS') || t.unknown > 0) return EXIT.server;
  return t.rejected + t.failed + t.unprocessed + t.notSent > 0 ? EXIT.rejected : EXIT.ok;
}

/** SIGINT/SIGTERM: the first stops the run (no new chunk, the result is recorded); the second exits at once. */
function stopOnSignals(controller: AbortController, err: NodeJS.WritableStream): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    err.write(`\ntcbatch: ${signal}: stopping: no new chunk is sent and requests in flight are cancelled (their chunks stay unknown until a resume with the same --journal); the summary follows. ${signal} again exits at once.\n`);
    controller.abort(new Error(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

const EXIT_HELP = `
Exit codes: 0 every item succeeded; 1 items rejected before sending, or failed or unprocessed on the server;
2 usage or I/O error (bad input file, journal of other input); 3 transport, authentication or server failure
(the run halted or could not start, or an outcome is unknown: run again with the same --journal); 130 stopped
by SIGINT/SIGTERM (the summary and --report are written first).`;

/** Register `submit` on the program. */
export function registerSubmit(program: Command): void {
  program
    .command('submit')
    .description('submit batch content files (JSON content, arrays or NDJSON) to ThreatConnect')
    .argument('<files...>', 'content files')
    .option('--owner <name>', 'owner (default TC_OWNER)')
    .option('--dry-run', 'build and write the chunks instead of sending them')
    .option('--out <dir>', 'with --dry-run: where to write the chunk files', 'tcbatch-out')
    .option('--journal <file>', 'record every step in FILE; running the same submit again with it resumes (nothing is sent twice)')
    .option('--action <action>', oneOf(jobConfigEnums.action.values), 'Create')
    .option('--halt-on-error', 'ask the server to stop a job at its first error', false)
    .option('--attribute-write-type <type>', oneOf(jobConfigEnums.attributeWriteType.values), 'Replace')
    .option('--max-items <n>', 'items per chunk (default 5000)', positiveInteger)
    .option('--concurrency <n>', 'batch jobs in flight at once (default 2)', positiveInteger)
    .option('--poll-schedule <name>', 'default (first poll after 0.25 s, then from 0.1 s growing 1.5x to 20 s; later jobs of the run follow the pace of the earlier ones) or tcex (max(items/300, 5) s, then 5 + 2.5 n up to 20 s)')
    .option('--poll-timeout <seconds>', 'give up polling a job after SECONDS (default 3600); its outcome is then unknown until a resume', nonNegativeNumber)
    .option('--first-wait <s>', 'seconds before the first status poll', nonNegativeNumber)
    .option('--poll-interval <s>', 'seconds between status polls (constant)', nonNegativeNumber)
    .option('--json', 'print the full result as JSON')
    .option('--report <file>', 'write the full result (jobs, errors, files, rejects, totals) as JSON')
    .option('--quiet', 'no progress output')
    .option('--store <store>', `where items wait until sent: memory, disk (flat memory for inputs of any size) or auto (disk from ${DISK_STORE_BYTES / 1_048_576} MiB of input)`, 'auto')
    .option('--indicator-types <file>', INDICATOR_TYPES_HELP)
    .addHelpText('after', `\nCredentials: TC_API_PATH and TC_API_ACCESS_ID + TC_API_SECRET_KEY, or TC_TOKEN; owner: --owner or TC_OWNER.\n${EXIT_HELP}`)
    .action(async (files: string[], flags: SubmitFlags) => {
      if (flags.pollSchedule !== undefined && flags.pollSchedule !== 'default' && flags.pollSchedule !== 'tcex') throw new UsageError('--poll-schedule is default or tcex');
      const store = storeFor(flags.store, files);
      const client = flags.dryRun ? undefined : new TcClient();
      const owner = flags.owner ?? client?.owner ?? process.env.TC_OWNER ?? (flags.dryRun ? 'dry-run' : undefined);
      if (!owner) throw new UsageError('give --owner or set TC_OWNER');
      const types = await typesOption(flags.indicatorTypes);
      const batch = new Batch({ owner, client, action: flags.action, haltOnError: flags.haltOnError, attributeWriteType: flags.attributeWriteType, limits: { maxItems: flags.maxItems }, store, ...(types ? { types } : {}) });
      try {
        await run(files, batch, flags);
      } finally {
        batch.close();
      }
    });
}

async function run(files: readonly string[], batch: Batch, flags: SubmitFlags): Promise<void> {
      const reading = importProgressView({ quiet: flags.quiet || flags.json });
      let added: Awaited<ReturnType<typeof addFiles>>;
      const guard = heapGuard();
      try {
        added = await addFiles(batch, files, (file, step) => {
          guard();
          reading.update(file, step);
        });
        reading.done(files[files.length - 1]!, batch.size + batch.counts.associations);
      } finally {
        reading.stop();
      }
      const { rejects, duplicates } = added;
      if (flags.dryRun) {
        const paths = batch.write(flags.out!, {}, guard);
        const summary = { chunks: paths.length, paths, counts: batch.counts, settings: batch.settings, rejects, duplicates };
        process.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : `${paths.length} chunk files in ${flags.out}: ${batch.counts.groups} groups, ${batch.counts.indicators} indicators, ${batch.counts.associations} associations; ${rejects.length} rejected, ${duplicates.length} duplicates\n${listing(rejects, duplicates)}`);
        if (flags.report) writeFileSync(flags.report, JSON.stringify(summary, null, 2));
        process.exitCode = rejects.length > 0 ? EXIT.rejected : EXIT.ok;
        return;
      }
      const view = progressView({ chunks: Math.max(1, Math.ceil(batch.size / (flags.maxItems ?? 5000))), items: batch.size + batch.counts.associations, files: 0 }, { quiet: flags.quiet || flags.json });
      const controller = new AbortController();
      const release = stopOnSignals(controller, process.stderr);
      const poll = {
        ...(flags.pollSchedule !== undefined ? { schedule: flags.pollSchedule } : {}),
        ...(flags.pollTimeout !== undefined ? { timeout: flags.pollTimeout } : {}),
        ...(flags.firstWait !== undefined ? { firstWait: flags.firstWait } : {}),
        ...(flags.pollInterval !== undefined ? { interval: flags.pollInterval, factor: 1 } : {}),
      };
      let result: SubmitResult;
      try {
        result = await batch.submit({
          onProgress: (e) => {
            guard();
            view.onEvent(e);
          },
          poll,
          signal: controller.signal,
          rejected: added.rejectedByKind,
          ...(flags.journal !== undefined ? { journal: flags.journal } : {}),
          ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
        });
      } catch (e) {
        if (e instanceof TcApiError || e instanceof NetworkError) {
          const failed = { error: { code: e.code, message: e.message, ...(e instanceof TcApiError ? { status: e.status } : {}) }, sent: 0, rejects, duplicates };
          if (flags.report) writeFileSync(flags.report, JSON.stringify(failed, null, 2));
          if (flags.json) process.stdout.write(`${JSON.stringify(failed, null, 2)}\n`);
          process.stderr.write(`tcbatch: could not start, nothing was sent: ${e.message}\n`);
          process.exitCode = EXIT.server;
          return;
        }
        throw e;
      } finally {
        view.stop();
        release();
      }
      const full = { ...result, rejects, duplicates };
      if (flags.report) writeFileSync(flags.report, JSON.stringify(full, null, 2));
      process.stdout.write(flags.json ? `${JSON.stringify(full, null, 2)}\n` : `${formatSummary(result)}${listing(rejects, duplicates)}`);
      process.exitCode = submitExitCode(result, controller.signal.aborted);
}
