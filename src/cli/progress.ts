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

/** Where one file's import is (see `ImportProgress` of the importers). */
export interface ImportStep {
  bytesRead: number;
  totalBytes: number;
  items: number;
  pass: number;
  passes: number;
}

/** Receives the progress of file imports; `done` after each file, `stop` at the end. */
export interface ImportProgressView {
  update(file: string, step: ImportStep): void;
  done(file: string, items: number): void;
  stop(): void;
}

const mb = (bytes: number): string => (bytes / 1_048_576).toFixed(1);
const count = (n: number): string => n.toLocaleString('en');

/**
 * Progress of importing files: a bar (bytes read, items) on a TTY; elsewhere a line at most every
 * `intervalMs` (default 5 s) while a file is read, and one when it is done, e.g.
 * `import feed.csv: pass 1 of 1: 10.0 of 50.0 MB (20%), 200,000 items, 2.0 s` and
 * `import feed.csv: done: 50.0 MB, 1,040,000 items in 9.8 s`. Nothing when `quiet`, and no bar
 * for files under `minBytes` (default 1 MiB).
 * @param options.now the clock in milliseconds (injected by tests)
 */
export function importProgressView(options: { tty?: boolean; quiet?: boolean; out?: NodeJS.WritableStream; now?: () => number; intervalMs?: number; minBytes?: number } = {}): ImportProgressView {
  const out = options.out ?? process.stderr;
  if (options.quiet) return { update: () => {}, done: () => {}, stop: () => {} };
  const now = options.now ?? (() => performance.now());
  const minBytes = options.minBytes ?? 1 << 20;
  const tty = options.tty ?? Boolean((out as NodeJS.WriteStream).isTTY);
  const started = new Map<string, { at: number; size: number }>();
  const begin = (file: string, size: number) => {
    let s = started.get(file);
    if (!s) started.set(file, (s = { at: now(), size }));
    return s;
  };
  const seconds = (file: string) => ((now() - started.get(file)!.at) / 1000).toFixed(1);
  if (!tty) {
    const interval = options.intervalMs ?? 5_000;
    let last = 0;
    let lastPass = 0;
    return {
      update(file, step) {
        const fresh = !started.has(file);
        const s = begin(file, step.totalBytes);
        if (step.totalBytes < minBytes) return;
        const t = now();
        if (fresh) {
          // the first line after one interval, or when the next pass starts
          last = s.at;
          lastPass = step.pass;
          return;
        }
        if (t - last < interval && step.pass === lastPass) return;
        last = t;
        lastPass = step.pass;
        const pct = step.totalBytes > 0 ? Math.floor((step.bytesRead / step.totalBytes) * 100) : 100;
        out.write(`import ${file}: pass ${step.pass} of ${step.passes}: ${mb(step.bytesRead)} of ${mb(step.totalBytes)} MB (${pct}%), ${count(step.items)} items, ${seconds(file)} s\n`);
      },
      done(file, items) {
        const s = started.get(file);
        if (!s || s.size < minBytes) return;
        out.write(`import ${file}: done: ${mb(s.size)} MB, ${count(items)} items in ${seconds(file)} s\n`);
      },
      stop() {},
    };
  }
  let bar: cliProgress.SingleBar | undefined;
  let current = '';
  return {
    update(file, step) {
      begin(file, step.totalBytes);
      if (step.totalBytes < minBytes) return;
      if (file !== current) {
        bar?.stop();
        current = file;
        bar = new cliProgress.SingleBar(
          { format: `${file} [{bar}] {percentage}% {read} of {size} MB | {items} items | pass {pass} of {passes}`, stream: out as NodeJS.WriteStream, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(step.totalBytes, 0, { read: mb(0), size: mb(step.totalBytes), items: '0', pass: step.pass, passes: step.passes });
      }
      bar!.update(step.bytesRead, { read: mb(step.bytesRead), size: mb(step.totalBytes), items: count(step.items), pass: step.pass, passes: step.passes });
    },
    done(file, items) {
      if (file === current && bar) {
        bar.update(bar.getTotal(), { items: count(items) });
        bar.stop();
        bar = undefined;
        current = '';
      }
    },
    stop() {
      bar?.stop();
    },
  };
}
