/**
 * Progress display for long CLI runs: cli-progress bars (chunks, items, polls, files) on a TTY,
 * plain lines otherwise (logs, CI). Fed by the submit orchestrator's progress events.
 */
import cliProgress from 'cli-progress';
import type { ProgressEvent } from '../submit/events.js';

/** Something that receives progress events and is stopped at the end. */
export interface ProgressView {
  onEvent(e: ProgressEvent): void;
  stop(): void;
}

/** Bars on a TTY, lines elsewhere, nothing when `quiet`. */
export function progressView(totals: { chunks: number; items: number; files: number }, options: { tty?: boolean; quiet?: boolean; out?: NodeJS.WritableStream } = {}): ProgressView {
  const out = options.out ?? process.stderr;
  if (options.quiet) return { onEvent: () => {}, stop: () => {} };
  const tty = options.tty ?? Boolean((out as NodeJS.WriteStream).isTTY);
  if (!tty) {
    const line = (s: string) => out.write(`${s}\n`);
    return {
      onEvent(e) {
        switch (e.type) {
          case 'chunk-built':
            line(`chunk ${e.chunk + 1}: ${e.groups} groups, ${e.indicators} indicators, ${e.associations} associations, ${e.bytes} bytes`);
            break;
          case 'chunk-resumed':
            line(`chunk ${e.chunk + 1}: from the journal, batch ${e.batchId ?? '-'} (${e.phase === 'done' || e.phase === 'files' ? 'Completed' : `next: ${e.phase}`})`);
            break;
          case 'job-created':
            line(`chunk ${e.chunk + 1}: job ${e.batchId} created`);
            break;
          case 'upload-check':
            line(`chunk ${e.chunk + 1}: upload answer lost (${e.reason}); batch ${e.batchId} is ${e.status}`);
            break;
          case 'chunk-failed':
            line(`chunk ${e.chunk + 1}: ${e.state} (${e.code}): ${e.message}`);
            break;
          case 'halted':
            line(`halted: ${e.reason}`);
            break;
          case 'chunk-sent':
            line(`chunk ${e.chunk + 1}: sent, batch ${e.batchId ?? '(synchronous)'} ${e.status}`);
            break;
          case 'poll':
            line(`batch ${e.batchId}: ${e.status} after ${e.waitedSeconds} s`);
            break;
          case 'completed':
            line(`chunk ${e.chunk + 1}: Completed, ${e.status.successCount} succeeded, ${e.status.errorCount} errors, ${e.status.unprocessCount} unprocessed`);
            break;
          case 'errors-fetched':
            line(`batch ${e.batchId}: ${e.count} error records`);
            break;
          case 'file':
            line(`file ${e.xid}: ${e.uploaded ? 'uploaded' : `not uploaded (${e.error ?? e.status})`}`);
            break;
          case 'retry':
            line(`retry ${e.method} ${e.path} after attempt ${e.attempt}: ${e.reason}`);
            break;
        }
      },
      stop() {},
    };
  }
  const multi = new cliProgress.MultiBar({ stream: out as NodeJS.WriteStream, format: ' {label} [{bar}] {value}/{total}', hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
  const chunks = multi.create(totals.chunks, 0, { label: 'chunks' });
  const items = multi.create(totals.items, 0, { label: 'items ' });
  const polls = multi.create(1, 0, { label: 'polls ' });
  const files = totals.files > 0 ? multi.create(totals.files, 0, { label: 'files ' }) : undefined;
  let pollCount = 0;
  return {
    onEvent(e) {
      if (e.type === 'completed') {
        chunks.increment();
        items.increment(e.status.successCount + e.status.errorCount + e.status.unprocessCount);
      } else if (e.type === 'poll') {
        pollCount++;
        polls.setTotal(pollCount);
        polls.update(pollCount);
      } else if (e.type === 'file') files?.increment();
    },
    stop() {
      multi.stop();
    },
  };
}
