/**
 * Owner selection (ThreatConnect "Specifying an Owner"): `?owner=<name>` or the job config's
 * `owner`; the default is the user's own owner (their Organization). An owner that does not exist,
 * or one the user has no right on, is refused with 403; writing into an owner the user may only
 * read is refused with ThreatConnect's plain-text 401.
 */
import type { Access } from './access.js';
import { plainText, v2Failure, v3Error, type EmulatorHttpError } from './errors.js';
import type { Store } from './store.js';

/** Message of the 403 for an unknown owner (the meaning of 403 in ThreatConnect's status table). */
export function unknownOwnerMessage(name: string): string {
  return `Owner '${name}' does not exist or you do not have access to it`;
}

/** The plain-text body of ThreatConnect's 401 for a user without the right to write (V2 Batch API page). */
export const NO_PERMISSION_TEXT =
  'Unable to perform the requested operation due to the following error(s): You do not have permission to create Indicators; Groups; Attributes; Tags; Security Labels;';

/**
 * The owner a request acts in.
 *
 * @param name the requested owner name, if any
 * @param api `v2` or `v3`: which error envelope a refusal uses
 * @param access the user's rights
 * @param need `read` or `write`
 * @returns the owner name
 * @throws EmulatorHttpError 403 when the owner is unknown or the user has no right on it; 401 plain
 *   text {@link NO_PERMISSION_TEXT} when `need` is `write` and the user may only read
 */
export function resolveOwner(store: Store, name: string | undefined, api: 'v2' | 'v3', access: Access, need: 'read' | 'write' = 'read'): string {
  const owner = name === undefined || name === '' ? access.home : name;
  if (!store.owner(owner) || !access.canRead(owner)) {
    const err: EmulatorHttpError =
      api === 'v2' ? v2Failure('TCE_UNKNOWN_OWNER', 403, unknownOwnerMessage(owner)) : v3Error('TCE_UNKNOWN_OWNER', 403, unknownOwnerMessage(owner));
    throw err;
  }
  if (need === 'write' && !access.canWrite(owner)) throw plainText('TCE_NO_PERMISSION', 401, NO_PERMISSION_TEXT);
  return owner;
}
