/**
 * The end-of-run summary of `submit` and `demo`: a table per job, totals, and the most frequent
 * error reasons (with their TC codes).
 */
import type { SubmitResult } from '../submit/submit.js';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

/** Top `n` error reasons with counts, the item-specific part (quoted values) folded away. */
export function topReasons(result: SubmitResult, n = 5): Array<{ reason: string; code: string | undefined; count: number }> {
  const counts = new Map<string, { reason: string; code: string | undefined; count: number }>();
  for (const e of result.errors) {
    const reason = e.reason.replace(/'[^']*'/g, "'…'").replace(/^Error \(0x[0-9A-Fa-f]+\): \S+ is not valid\./, 'Error: … is not valid.');
    const key = `${e.code}\0${reason}`;
    const entry = counts.get(key) ?? { reason, code: e.code, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count).slice(0, n);
}

/** The human summary of a submit result: a row per job, the item states by kind, files, top error reasons. */
export function formatSummary(result: SubmitResult): string {
  const rows = [['job', 'batch id', 'state', 'groups', 'indicators', 'assoc.', 'succeeded', 'failed', 'unprocessed']];
  for (const j of result.jobs) {
    const sum = (k: 'succeeded' | 'failed' | 'unprocessed') => j.items.groups[k] + j.items.indicators[k] + j.items.associations[k];
    rows.push([
      `chunk ${j.chunk + 1}`,
      String(j.batchId ?? '-'),
      `${j.state}${j.resumed ? ' (resumed)' : ''}${j.failure ? ` (${j.failure.code})` : ''}`,
      String(j.sent.groups),
      String(j.sent.indicators),
      String(j.sent.associations),
      String(sum('succeeded')),
      String(sum('failed')),
      String(sum('unprocessed')),
    ]);
  }
  const t = result.totals;
  const lines = [table(rows), ''];
  const states = [['items', 'total', 'rejected', 'succeeded', 'failed', 'unprocessed', 'not sent', 'unknown']];
  for (const [name, s] of [['groups', t.groups], ['indicators', t.indicators], ['associations', t.associations], ['all', t]] as const) {
    states.push([name, String(s.total), String(s.rejected), String(s.succeeded), String(s.failed), String(s.unprocessed), String(s.notSent), String(s.unknown)]);
  }
  lines.push(table(states));
  if (t.unknown > 0) lines.push(`outcome unknown for ${t.unknown} items (sent, not seen Completed): run again with the same --journal to resolve them`);
  const files = result.files;
  if (files.length > 0) lines.push(`files: ${files.filter((f) => f.uploaded).length} uploaded, ${files.filter((f) => !f.uploaded).length} not uploaded`);
  const top = topReasons(result);
  if (top.length > 0) {
    lines.push('top error reasons:');
    for (const r of top) lines.push(`  ${String(r.count).padStart(5)}  ${r.code ?? '(no code)'}  ${r.reason.slice(0, 160)}`);
  }
  if (result.resumed > 0) lines.push(`resumed ${result.resumed} chunks from the journal`);
  if (result.halted) lines.push(`halted: ${result.haltReason}`);
  return `${lines.join('\n')}\n`;
}
