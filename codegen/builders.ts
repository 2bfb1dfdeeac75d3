/**
 * Step: builder classes (issue 3). Placeholder until the batch model lands: writes nothing.
 */
import type { OutputFiles } from './emit.js';
import type { SchemaSet } from './load.js';

/** Emit builder classes into `out` (none yet). */
export async function emitBuilders(_set: SchemaSet, _head: string, _out: OutputFiles): Promise<void> {}
