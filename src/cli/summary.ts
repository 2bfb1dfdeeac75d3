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

/** The human summary of a submit result. */
export function formatSummary(result: SubmitResult, rejectedClientSide = 0): string {
  const rows = [['job', 'batch id', 'status', 'groups', 'indicators', 'assoc.', 'succeeded', 'errors', 'unprocessed']];
  for (const j of result.jobs) {
    rows.push([
      `chunk ${j.chunk + 1}`,
      String(j.batchId ?? '-'),
      j.failure ? `FAILED (${j.failure.code})` : (j.status?.status ?? '-'),
      String(j.sent.groups),
      String(j.sent.indicators),
      String(j.sent.associations),
      String(j.status?.successCount ?? 0),
      String(j.status?.errorCount ?? 0),
      String(j.status?.unprocessCount ?? 0),
    ]);
  }
  const t = result.totals;
  rows.push(['total', '', '', String(t.sent.groups), String(t.sent.indicators), String(t.sent.associations), String(t.succeeded), String(t.failed), String(t.unprocessed)]);
  const lines = [table(rows)];
  if (rejectedClientSide > 0) lines.push(`rejected before sending: ${rejectedClientSide}`);
  if (t.unknown > 0) lines.push(`outcome unknown (chunk not sent or not polled): ${t.unknown} items`);
  const files = result.files;
  if (files.length > 0) lines.push(`files: ${files.filter((f) => f.uploaded).length} uploaded, ${files.filter((f) => !f.uploaded).length} not uploaded`);
  const top = topReasons(result);
  if (top.length > 0) {
    lines.push('top error reasons:');
    for (const r of top) lines.push(`  ${String(r.count).padStart(5)}  ${r.code ?? '(no code)'}  ${r.reason.slice(0, 160)}`);
  }
  if (result.halted) lines.push(`halted: ${result.haltReason}`);
  return `${lines.join('\n')}\n`;
}
