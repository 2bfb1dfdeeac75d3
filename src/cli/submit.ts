/**
 * `tcbatch submit FILE...`: read batch content files, add every item to a Batch (rejecting, with a
 * reason, what breaks a rule), and submit it with the orchestrator to the server named by
 * `TC_API_PATH` with `TC_API_ACCESS_ID`/`TC_API_SECRET_KEY` or `TC_TOKEN` (`--dry-run` writes the
 * chunks instead). Exit 1 when items were rejected or jobs reported errors, 2 on usage/I/O errors.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Batch } from '../batch/batch.js';
import { TcClient } from '../client/client.js';
import { importRecords } from '../importers/batch-content.js';
import type { SubmitResult } from '../submit/submit.js';
import { readContentFile, type ContentItem } from '../importers/content-file.js';
import { progressView } from './progress.js';
import { formatSummary } from './summary.js';
import { EXIT, UsageError } from './usage.js';

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
    duplicates: report.duplicateSources.map((d) => ({ ...d, reason: 'same xid as an earlier item: the first one is kept (first write wins)' })),
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
  action?: 'Create' | 'Delete';
  haltOnError?: boolean;
  attributeWriteType?: 'Append' | 'Replace' | 'Singleton' | 'Static';
  maxItems?: number;
  firstWait?: number;
  pollInterval?: number;
  quiet?: boolean;
}

/** Register `submit` on the program. */
export function registerSubmit(program: Command): void {
  program
    .command('submit')
    .description('submit batch content files (JSON content, arrays or NDJSON) to ThreatConnect')
    .argument('<files...>', 'content files')
    .option('--owner <name>', 'owner (default TC_OWNER)')
    .option('--dry-run', 'build and write the chunks instead of sending them')
    .option('--out <dir>', 'with --dry-run: where to write the chunk files', 'tcbatch-out')
    .option('--action <action>', 'Create or Delete', 'Create')
    .option('--halt-on-error', 'ask the server to stop a job at its first error', false)
    .option('--attribute-write-type <type>', 'Append, Replace, Singleton or Static', 'Replace')
    .option('--max-items <n>', 'items per chunk (default 5000)', (v) => Number(v))
    .option('--first-wait <s>', 'seconds before the first status poll (default max(items/300, 5))', (v) => Number(v))
    .option('--poll-interval <s>', 'base seconds between status polls (default 5, growing to 20)', (v) => Number(v))
    .option('--json', 'print the full result as JSON')
    .option('--report <file>', 'write the full result (jobs, errors, files, rejects) as JSON')
    .option('--quiet', 'no progress output')
    .addHelpText('after', '\nCredentials: TC_API_PATH and TC_API_ACCESS_ID + TC_API_SECRET_KEY, or TC_TOKEN; owner: --owner or TC_OWNER.\nExit codes: 0 ok, 1 items rejected or job errors, 2 usage or I/O error.')
    .action(async (files: string[], flags: SubmitFlags) => {
      const items = files.flatMap((f) => readContentFile(f).items);
      const client = flags.dryRun ? undefined : new TcClient();
      const owner = flags.owner ?? client?.owner ?? process.env.TC_OWNER ?? (flags.dryRun ? 'dry-run' : undefined);
      if (!owner) throw new UsageError('give --owner or set TC_OWNER');
      const batch = new Batch({ owner, client, action: flags.action, haltOnError: flags.haltOnError, attributeWriteType: flags.attributeWriteType, limits: { maxItems: flags.maxItems } });
      const { rejects, duplicates } = addItems(batch, items);
      if (flags.dryRun) {
        const paths = batch.write(flags.out!);
        const summary = { chunks: paths.length, paths, counts: batch.counts, settings: batch.settings, rejects, duplicates };
        process.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : `${paths.length} chunk files in ${flags.out}: ${batch.counts.groups} groups, ${batch.counts.indicators} indicators, ${batch.counts.associations} associations; ${rejects.length} rejected, ${duplicates.length} duplicates\n${listing(rejects, duplicates)}`);
        if (flags.report) writeFileSync(flags.report, JSON.stringify(summary, null, 2));
        process.exitCode = rejects.length > 0 ? EXIT.rejected : EXIT.ok;
        return;
      }
      const view = progressView({ chunks: Math.max(1, Math.ceil(batch.size / (flags.maxItems ?? 5000))), items: batch.size + batch.counts.associations, files: 0 }, { quiet: flags.quiet || flags.json });
      let result: SubmitResult;
      try {
        result = await batch.submit({
          onProgress: (e) => view.onEvent(e),
          poll: { ...(flags.firstWait !== undefined ? { firstWait: flags.firstWait } : {}), ...(flags.pollInterval !== undefined ? { interval: flags.pollInterval, backOff: 0 } : {}) },
        });
      } finally {
        view.stop();
      }
      const full = { ...result, rejects, duplicates };
      if (flags.report) writeFileSync(flags.report, JSON.stringify(full, null, 2));
      process.stdout.write(flags.json ? `${JSON.stringify(full, null, 2)}\n` : `${formatSummary(result, rejects.length)}${listing(rejects, duplicates)}`);
      const failed = rejects.length > 0 || result.errors.length > 0 || result.totals.failed > 0 || result.totals.unknown > 0 || result.halted;
      process.exitCode = failed ? EXIT.rejected : EXIT.ok;
    });
}
