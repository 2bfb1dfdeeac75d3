/**
 * Owner selection (tc-batch-api.md §1 "Owner selection"): `?owner=<name>` or the job config's
 * `owner`; the default is the first configured owner (the API user's Organization). An owner the
 * emulator does not know is refused with 403 (tc-batch-api.md §1 status table, §2.3).
 */
import { v2Failure, v3Error, type EmulatorHttpError } from './errors.js';
import type { Store } from './store.js';

/** Message of the 403 for an unknown owner (wording [I]: docs' 403 meaning). */
export function unknownOwnerMessage(name: string): string {
  return `Owner '${name}' does not exist or you do not have access to it`;
}

/**
 * The owner a request acts in.
 *
 * @param name the requested owner name, if any
 * @param api `v2` or `v3`: which error envelope a refusal uses
 * @returns the owner name
 * @throws EmulatorHttpError 403 when the owner is unknown
 */
export function resolveOwner(store: Store, name: string | undefined, api: 'v2' | 'v3' = 'v2'): string {
  if (name === undefined || name === '') return store.listOwners()[0]!.name;
  if (store.owner(name)) return name;
  const err: EmulatorHttpError = api === 'v2' ? v2Failure('TCE_UNKNOWN_OWNER', 403, unknownOwnerMessage(name)) : v3Error('TCE_UNKNOWN_OWNER', 403, unknownOwnerMessage(name));
  throw err;
}
