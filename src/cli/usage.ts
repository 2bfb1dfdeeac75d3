/**
 * Shared CLI helpers: the usage error (exit code 2) and option value parsers for commander.
 */
import { InvalidArgumentError } from 'commander';
import { TcBatchError } from '../errors.js';

/** Exit codes of every `tcbatch` command. */
export const EXIT = {
  /** Every item succeeded. */
  ok: 0,
  /** Items were rejected before sending, or failed or were unprocessed on the server. */
  rejected: 1,
  /** Usage or I/O error (bad options, unreadable input, a journal of other input). */
  usage: 2,
  /** Transport, authentication or server failure: the run halted, could not start, or left outcomes unknown. */
  server: 3,
  /** Stopped by SIGINT/SIGTERM (128 + 2). */
  interrupted: 130,
} as const;

/** A command was called wrongly (missing or conflicting options); exits with code 2. */
export class UsageError extends TcBatchError {
  constructor(message: string) {
    super('TCB_USAGE', message);
  }
}

/** commander parser: a number >= 0. @throws InvalidArgumentError otherwise */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number >= 0');
  return n;
}

/** commander parser: an integer >= 1. @throws InvalidArgumentError otherwise */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be an integer >= 1');
  return n;
}

/** commander parser: a probability in [0, 1]. @throws InvalidArgumentError otherwise */
export function rate(value: string): number {
  const n = nonNegativeNumber(value);
  if (n > 1) throw new InvalidArgumentError('must be between 0 and 1');
  return n;
}

/** commander parser for repeatable options: appends to the list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** commander parser: comma-separated HTTP statuses, e.g. `500,502,503`. @throws InvalidArgumentError otherwise */
export function statusList(value: string): number[] {
  const xs = value.split(',').map((s) => Number(s.trim()));
  if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < 100 || x > 599)) throw new InvalidArgumentError('must be HTTP statuses such as 500,502,503');
  return xs;
}
