/**
 * Leftovers of killed processes: a disk store whose process died (SIGKILL, OOM, power) cannot
 * remove its database. The next store removes them: temporary folders `tcbatch-store-<pid>-*` and
 * database files `batch-<pid>-*.db` whose process no longer runs.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Prefix of a disk store's own temporary folder (followed by `<pid>-`). */
export const STORE_DIR_PREFIX = 'tcbatch-store-';

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove the entries of `dir` named `<prefix><pid>-...` whose process is gone.
 * @returns the names removed
 */
export function sweepStale(dir: string, prefix: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || alive(pid)) continue;
    try {
      rmSync(join(dir, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // another process got there first, or it is not ours to remove
    }
  }
  return removed;
}
