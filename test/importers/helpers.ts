// Shared helpers of the importer tests: read a repository file, list a batch's items as wire JSON.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Batch } from '../../src/index.js';

/** A file of the repository, by path from the repository root, as UTF-8 text. */
export function repoFile(path: string): string {
  return readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
}

/** Every group and indicator of the batch (all chunks), as wire JSON. */
export function items(batch: Batch): { groups: Array<Record<string, unknown>>; indicators: Array<Record<string, unknown>> } {
  const groups: Array<Record<string, unknown>> = [];
  const indicators: Array<Record<string, unknown>> = [];
  for (const chunk of batch.chunks()) {
    groups.push(...(chunk.content.group as unknown as Array<Record<string, unknown>>));
    indicators.push(...(chunk.content.indicator as unknown as Array<Record<string, unknown>>));
  }
  return { groups, indicators };
}

/** The indicator with this summary (throws when absent). */
export function indicator(batch: Batch, summary: string): Record<string, unknown> {
  const found = items(batch).indicators.find((i) => i.summary === summary);
  if (!found) throw new Error(`no indicator ${summary}`);
  return found;
}
