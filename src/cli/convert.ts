/**
 * `tcbatch convert --from FORMAT FILE... [-o DIR]`: import threat-intel files (STIX, MISP, CSV/TSV/TXT
 * IOC lists, YARA/Snort/Suricata rules) into batch content files, plus `rejects.json` listing
 * every record not imported (rejected or skipped) with its source line or object id and reason.
 * Exit 1 when records were rejected, 2 when a file cannot be read or recognised.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Batch } from '../batch/batch.js';
import { FORMATS, importFile, type ImportProgress, type InputFormat } from '../importers/index.js';
import { importProgressView, type ImportStep } from './progress.js';
import type { ImportReport } from '../importers/report.js';
import { INDICATOR_TYPES_HELP, typesOption } from './types-option.js';
import { heapGuard } from './heap.js';
import { EXIT, UsageError } from './usage.js';
import { storeFor, DISK_STORE_BYTES } from './store-option.js';

/**
 * Import each file into `batch`, one after the other; the per-file reports in order.
 * @param onProgress bytes read of the file being imported (files read as streams), with the items
 *   added and the pass in `step`
 * @param onDone called after each file with the items it added
 */
export async function importAll(
  files: readonly string[],
  batch: Batch,
  from: InputFormat | 'auto',
  onProgress?: (file: string, bytesRead: number, totalBytes: number, step: ImportProgress) => void,
  onDone?: (file: string, items: number) => void,
): Promise<Array<ImportReport & { format: InputFormat; file: string }>> {
  const out: Array<ImportReport & { format: InputFormat; file: string }> = [];
  for (const file of files) {
    const report = await importFile(file, batch, from, onProgress ? { onProgress: (b, t, step) => onProgress(file, b, t, step) } : {});
    out.push({ ...report, file });
    onDone?.(file, report.counts.groups + report.counts.indicators + report.counts.associations);
  }
  return out;
}

export { DISK_STORE_BYTES, storeFor } from './store-option.js';

/** One line per file: format, records read, items made, rejected, skipped, duplicates. */
export function reportLine(r: ImportReport & { format: string; file: string }): string {
  const dup = (r as { duplicates?: number }).duplicates;
  return `${r.file} (${r.format}): ${r.counts.read} read, ${r.counts.groups} groups, ${r.counts.indicators} indicators, ${r.counts.associations} associations, ${r.counts.rejected} rejected, ${r.counts.skipped} skipped${dup ? `, ${dup} duplicates merged` : ''}`;
}

/** Register `convert` on the program. */
export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description('import STIX, MISP, CSV/TSV/TXT IOC lists, YARA/Snort/Suricata/Sigma/OpenIOC/ClamAV rules, e-mail messages or the CISA KEV catalogue into batch content files')
    .argument('<files...>', 'input files')
    .option('--from <format>', `input format: ${FORMATS.join(', ')} or auto`, 'auto')
    .option('-o, --out <dir>', 'output folder for batch-NNNN.json chunk files and rejects.json', 'tcbatch-convert')
    .option('--owner <name>', 'owner recorded in the settings file', 'converted')
    .option('--max-items <n>', 'items per chunk file (default 5000)', (v) => Number(v))
    .option('--json', 'print the per-file reports as JSON')
    .option('--store <store>', `where items wait until written: memory, disk (flat memory for inputs of any size) or auto (disk from ${DISK_STORE_BYTES / 1_048_576} MiB of input)`, 'auto')
    .option('--indicator-types <file>', INDICATOR_TYPES_HELP)
    .option('--quiet', 'no progress output')
    .addHelpText('after', '\nEvery input record ends up in a chunk file or in rejects.json (rejected or skipped, with its source and reason).\nExit codes: 0 ok, 1 records rejected, 2 usage or I/O error.')
    .action(async (files: string[], flags: ConvertFlags) => {
      if (flags.from !== 'auto' && !(FORMATS as readonly string[]).includes(flags.from)) throw new UsageError(`--from must be one of ${FORMATS.join(', ')} or auto`);
      const types = await typesOption(flags.indicatorTypes);
      const batch = new Batch({ owner: flags.owner, limits: { maxItems: flags.maxItems }, store: storeFor(flags.store, files), ...(types ? { types } : {}) });
      try {
        await convert(files, batch, flags);
      } finally {
        batch.close();
      }
    });
}

interface ConvertFlags {
  from: string;
  out: string;
  owner: string;
  maxItems?: number;
  json?: boolean;
  store?: string;
  indicatorTypes?: string;
  quiet?: boolean;
}

async function convert(files: readonly string[], batch: Batch, flags: ConvertFlags): Promise<void> {
  const progress = importProgressView({ quiet: flags.quiet });
  const guard = heapGuard();
  let reports: Awaited<ReturnType<typeof importAll>>;
  try {
    const onProgress = (file: string, _b: number, _t: number, step: ImportStep) => {
      guard();
      progress.update(file, step);
    };
    reports = await importAll(files, batch, flags.from as InputFormat | 'auto', onProgress, (file, items) => progress.done(file, items));
  } finally {
    progress.stop();
  }
  mkdirSync(flags.out, { recursive: true });
  // chunk files are written one by one as the store yields them
  const paths = batch.write(flags.out, {}, guard);
  const rejects = reports.map((r) => ({
    file: r.file,
    format: r.format,
    counts: r.counts,
    rejects: r.rejects,
    skipped: r.skipped,
    duplicates: (r as { duplicates?: number }).duplicates ?? 0,
    warnings: (r as { warnings?: unknown[] }).warnings ?? [],
  }));
  writeFileSync(join(flags.out, 'rejects.json'), `${JSON.stringify(rejects, null, 2)}\n`);
  if (flags.json) process.stdout.write(`${JSON.stringify({ chunks: paths, counts: batch.counts, files: rejects }, null, 2)}\n`);
  else {
    for (const r of reports) process.stdout.write(`${reportLine(r)}\n`);
    process.stdout.write(`${paths.length} chunk file${paths.length === 1 ? '' : 's'} in ${flags.out}: ${batch.counts.groups} groups, ${batch.counts.indicators} indicators, ${batch.counts.associations} associations; rejects and skips in ${join(flags.out, 'rejects.json')}\n`);
  }
  process.exitCode = reports.some((r) => r.counts.rejected > 0) ? EXIT.rejected : EXIT.ok;
}
