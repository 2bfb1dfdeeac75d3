/**
 * `tcbatch demo` (and `npm run demo`): the main job end to end on the shipped real data. Starts the
 * emulator in-process on a free port (or uses `TC_API_PATH` and credentials with `--target env`),
 * imports every file under `data/`, submits with progress, prints what happened (per file, per
 * type, per job, top error reasons), reads a few stored items back, and checks that the counts
 * add up. Exit 0 when every job completed and the counts reconcile.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { Batch } from '../batch/batch.js';
import { TcClient } from '../client/client.js';
import { startEmulator, type RunningEmulator } from '../emulator/index.js';
import type { SubmitResult } from '../submit/submit.js';
import { importAll, reportLine } from './convert.js';
import { progressView } from './progress.js';
import { formatSummary } from './summary.js';
import { EXIT, UsageError } from './usage.js';
import { packageRoot } from '../package-root.js';

/** The package's own folder: `data/` is there (in a checkout and in the installed package). */
const ROOT = packageRoot;

/** Every data file under `dir` (licences, READMEs and dotfiles left out), sorted. */
export function dataFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name === 'licenses' || /\.md$/i.test(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...dataFiles(p));
    else out.push(p);
  }
  return out;
}

interface DemoFlags {
  target: 'emulator' | 'env';
  data: string;
  json?: boolean;
  quiet?: boolean;
}

/** Items sent, by wire type, from the chunks. */
function sentByType(batch: Batch): Map<string, number> {
  const byType = new Map<string, number>();
  for (const chunk of batch.chunks()) {
    const c = chunk.content;
    for (const item of [...(c.group ?? []), ...(c.indicator ?? [])]) byType.set(item.type, (byType.get(item.type) ?? 0) + 1);
  }
  return byType;
}

function typeTable(sent: Map<string, number>, result: SubmitResult): string {
  const failed = new Map<string, number>();
  for (const e of result.errors) if (e.item) failed.set(e.item.type, (failed.get(e.item.type) ?? 0) + 1);
  const rows = [['type', 'sent', 'succeeded', 'failed on server']];
  for (const [type, n] of [...sent.entries()].sort()) {
    const f = failed.get(type) ?? 0;
    rows.push([type, String(n), String(n - f), String(f)]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return `${rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n')}\n`;
}

async function readBack(client: TcClient, owner: string, batch: Batch): Promise<string[]> {
  const lines: string[] = [];
  const get = (path: string, query: Record<string, string>) =>
    (client.api as unknown as { GET: (p: string, o: unknown) => Promise<{ response: Response; data: unknown }> }).GET(path, { params: { query } });
  const first = [...batch.chunks()][0]?.content;
  // show items that carry metadata: a tagged, associated group and indicators linked to groups
  const group = first?.group?.find((g) => (g.tag?.length ?? 0) > 0 && (g.associatedGroupXid?.length ?? 0) > 0) ?? first?.group?.[0];
  const indicators = ['Address', 'Host', 'File', 'URL', 'ASN']
    .map((t) => first?.indicator?.find((i) => i.type === t && (i.associatedGroups?.length ?? 0) > 0) ?? first?.indicator?.find((i) => i.type === t))
    .filter((i) => i !== undefined);
  if (group) {
    const r = await get(`/v3/groups/${encodeURIComponent(group.xid)}`, { owner });
    const d = (r.data as { data?: Record<string, unknown> } | undefined)?.data;
    lines.push(`GET /v3/groups/${group.xid}: ${r.response.status} ${d ? `${String(d.type)} "${String(d.name)}", ${(d.tags as { data?: unknown[] } | undefined)?.data?.length ?? 0} tags, ${(d.associatedGroups as { data?: unknown[] } | undefined)?.data?.length ?? 0} associated groups` : ''}`);
  }
  for (const i of indicators) {
    const summary = String(i.summary ?? '');
    const r = await get(`/v3/indicators/${encodeURIComponent(summary)}`, { owner, type: i.type });
    const d = (r.data as { data?: Record<string, unknown> } | undefined)?.data;
    lines.push(`GET /v3/indicators/${summary} (${i.type}): ${r.response.status}${d ? `, ${(d.associatedGroups as { data?: unknown[] } | undefined)?.data?.length ?? 0} associated groups` : ''}`);
  }
  return lines;
}

/**
 * Run the demo.
 * @returns the exit code (0 when all jobs completed and the counts add up)
 */
export async function runDemo(flags: DemoFlags, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const started = performance.now();
  const say = (s: string) => (flags.json ? undefined : out.write(s));
  let emu: RunningEmulator | undefined;
  let client: TcClient;
  let owner: string;
  if (flags.target === 'emulator') {
    const creds = { accessId: 'tcbatch-demo', secretKey: randomBytes(24).toString('base64url') };
    owner = 'Demo Organization';
    emu = await startEmulator({ credentials: [creds], owners: [owner] });
    client = new TcClient({ apiPath: emu.url, ...creds, owner, env: {} });
    say(`ThreatConnect emulator on ${emu.url} (owner ${owner})\n`);
  } else {
    client = new TcClient();
    if (!client.owner) throw new UsageError('--target env needs TC_OWNER');
    owner = client.owner;
    say(`ThreatConnect at ${client.apiPath} (owner ${owner})\n`);
  }
  try {
    const files = dataFiles(flags.data);
    const batch = new Batch({ client, owner, haltOnError: false });
    const reports = (await importAll(files, batch, 'auto')).map((r) => ({ ...r, file: relative(process.cwd(), r.file) || r.file }));
    say(`\nImported ${files.length} files:\n${reports.map((r) => `  ${reportLine(r)}`).join('\n')}\n`);
    const sent = sentByType(batch);
    say(`\nSubmitting ${batch.counts.groups} groups, ${batch.counts.indicators} indicators and ${batch.counts.associations} indicator associations...\n`);
    const view = progressView({ chunks: 1, items: batch.size + batch.counts.associations, files: 0 }, { quiet: flags.quiet || flags.json });
    let result: SubmitResult;
    try {
      result = await batch.submit({
        onProgress: (e) => view.onEvent(e),
      });
    } finally {
      view.stop();
    }
    const rejected = reports.reduce((n, r) => n + r.counts.rejected, 0);
    say(`\n${typeTable(sent, result)}\n${formatSummary(result)}`);
    const readBackLines = flags.target === 'emulator' ? await readBack(client, owner, batch) : [];
    if (readBackLines.length > 0) say(`\nRead back from the server:\n${readBackLines.map((l) => `  ${l}`).join('\n')}\n`);
    const t = result.totals;
    const completed = result.jobs.every((j) => j.state === 'completed');
    // every item in exactly one state (submit checks the identity), and none left unknown or unsent
    const reconciles = t.total === t.rejected + t.succeeded + t.failed + t.unprocessed + t.notSent + t.unknown && t.unknown === 0 && t.notSent === 0;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    say(
      `\nChecks: every file imported: ${reports.length === files.length ? 'yes' : 'NO'}; jobs Completed: ${completed ? 'yes' : 'NO'}; ` +
        `${t.total} items = ${t.succeeded} succeeded + ${t.failed} failed + ${t.unprocessed} unprocessed + ${t.rejected} rejected + ${t.notSent} not sent + ${t.unknown} unknown: ${reconciles ? 'yes' : 'NO'}; ` +
        `${rejected} records rejected by the importers (listed by \`tcbatch convert\` in rejects.json).\nDone in ${seconds} s.\n`,
    );
    if (flags.json) {
      out.write(`${JSON.stringify({ files: reports.map((r) => ({ file: r.file, format: r.format, counts: r.counts })), sentByType: Object.fromEntries(sent), result: { jobs: result.jobs, totals: result.totals, errors: result.errors.length }, readBack: readBackLines, checks: { completed, reconciles }, seconds: Number(seconds) }, null, 2)}\n`);
    }
    return completed && reconciles ? EXIT.ok : EXIT.rejected;
  } finally {
    await emu?.close();
  }
}

/** Register `demo` on the program. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the main job on the shipped real data: emulator, import, submit, summary, read-back')
    .option('--target <where>', 'emulator (in-process, default) or env (TC_API_PATH and credentials)', 'emulator')
    .option('--data <dir>', 'folder of input files', join(ROOT, 'data'))
    .option('--json', 'print a JSON summary')
    .option('--quiet', 'no progress output')
    .addHelpText('after', '\nExit codes: 0 ok, 1 a job failed or the counts do not add up, 2 usage or I/O error.')
    .action(async (flags: DemoFlags) => {
      if (flags.target !== 'emulator' && flags.target !== 'env') throw new UsageError('--target is emulator or env');
      process.exitCode = await runDemo(flags);
    });
}
