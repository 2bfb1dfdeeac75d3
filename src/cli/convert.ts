/**
 * `tcbatch convert --from FORMAT FILE... [-o DIR]`: import threat-intel files (STIX, MISP, CSV/TSV/TXT
 * IOC lists, YARA/Snort/Suricata rules) into batch content files, plus `rejects.json` listing
 * every record not imported (rejected or skipped) with its source line or object id and reason.
 * Exit 1 when records were rejected, 2 when a file cannot be read or recognised.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { Batch } from '../batch/batch.js';
import { FORMATS, importFile, type InputFormat } from '../importers/index.js';
import type { ImportReport } from '../importers/report.js';
import { EXIT, UsageError } from './usage.js';

/**
 * Import each file into `batch`, one after the other; the per-file reports in order.
 * @param onProgress bytes read of the file being imported (large CSV/TSV files)
 */
export async function importAll(files: readonly string[], batch: Batch, from: InputFormat | 'auto', onProgress?: (file: string, bytesRead: number, totalBytes: number) => void): Promise<Array<ImportReport & { format: InputFormat; file: string }>> {
  const out: Array<ImportReport & { format: InputFormat; file: string }> = [];
  for (const file of files) out.push({ ...(await importFile(file, batch, from, onProgress ? { onProgress: (b, t) => onProgress(file, b, t) } : {})), file });
  return out;
}

/** A bytes progress bar on a TTY (stderr), nothing elsewhere; bars only for files over 1 MB. */
function byteProgress(): { update: (file: string, bytesRead: number, totalBytes: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  let bar: cliProgress.SingleBar | undefined;
  let current = '';
  return {
    update(file, read, total) {
      if (total < 1_000_000) return;
      if (file !== current) {
        bar?.stop();
        current = file;
        bar = new cliProgress.SingleBar({ format: `${basename(file)} [{bar}] {percentage}% {value}/{total} bytes`, stream: process.stderr }, cliProgress.Presets.shades_classic);
        bar.start(total, 0);
      }
      bar!.update(read);
    },
    stop: () => bar?.stop(),
  };
}

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
    .addHelpText('after', '\nEvery input record ends up in a chunk file or in rejects.json (rejected or skipped, with its source and reason).\nExit codes: 0 ok, 1 records rejected, 2 usage or I/O error.')
    .action(async (files: string[], flags: { from: string; out: string; owner: string; maxItems?: number; json?: boolean }) => {
      if (flags.from !== 'auto' && !(FORMATS as readonly string[]).includes(flags.from)) throw new UsageError(`--from must be one of ${FORMATS.join(', ')} or auto`);
      const batch = new Batch({ owner: flags.owner, limits: { maxItems: flags.maxItems } });
      const progress = byteProgress();
      let reports: Awaited<ReturnType<typeof importAll>>;
      try {
        reports = await importAll(files, batch, flags.from as InputFormat | 'auto', progress.update);
      } finally {
        progress.stop();
      }
      mkdirSync(flags.out, { recursive: true });
      const paths = batch.write(flags.out);
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
    });
}
