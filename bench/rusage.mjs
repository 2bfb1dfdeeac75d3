/**
 * Preloaded (`node --import ./bench/rusage.mjs`, plain JavaScript so that no loader is needed) into the `tcbatch submit` child of the end-to-end
 * bench case: when the process exits, its CPU time and peak RSS are written as one JSON line to the
 * file named by `TCBATCH_BENCH_RUSAGE`.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.TCBATCH_BENCH_RUSAGE;
if (file) {
  process.on('exit', () => {
    const r = process.resourceUsage();
    writeFileSync(file, `${JSON.stringify({ cpuMs: (r.userCPUTime + r.systemCPUTime) / 1000, maxRSSKiB: r.maxRSS })}\n`);
  });
}
