/**
 * The `--store` option of `tcbatch convert` and `tcbatch submit`: where items wait until written
 * or sent. Its own module so that `submit` does not load the importers of every format with
 * `convert`.
 */
import { statSync } from 'node:fs';
import { LARGE_INPUT_BYTES } from '../importers/file-input.js';
import { UsageError } from './usage.js';

/** Inputs of at least this many bytes in all are built in a disk store under `--store auto`. */
export const DISK_STORE_BYTES = LARGE_INPUT_BYTES;

/**
 * The store of `--store`: `memory` (the compact in-memory store), `disk` (SQLite in a temporary
 * directory: memory stays flat whatever the input size) or `auto` (disk when the input files have
 * {@link DISK_STORE_BYTES} or more in all).
 * @throws UsageError for another value
 */
export function storeFor(flag: string | undefined, files: readonly string[]): 'memory' | 'disk' {
  if (flag === 'memory' || flag === 'disk') return flag;
  if (flag !== undefined && flag !== 'auto') throw new UsageError('--store is memory, disk or auto');
  let bytes = 0;
  for (const f of files) {
    try {
      bytes += statSync(f).size;
    } catch {
      // unreadable: the import says so
    }
  }
  return bytes >= DISK_STORE_BYTES ? 'disk' : 'memory';
}
