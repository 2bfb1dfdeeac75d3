/**
 * Lazy loading of tcbatch's optional peer dependencies (`peerDependenciesMeta` optional in
 * package.json): better-sqlite3 (the disk store, the emulator's database), fastify and
 * @fastify/multipart (the emulator). Nothing loads them before a feature that needs them is used,
 * so `import 'tcbatch'` and building and submitting batches with the memory store work without
 * them; a missing one is a {@link MissingPeerError} naming the package and the install command.
 */
import { requireHere } from './dialect.js';
import { MissingPeerError } from './errors.js';

/** The optional peer dependencies. */
export type PeerName = 'better-sqlite3' | 'fastify' | '@fastify/multipart';

/** Whether `e` is the "cannot find module" error of `name` itself (not of something it imports). */
function isMissing(e: unknown, name: string): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  return err?.code === 'MODULE_NOT_FOUND' && typeof err.message === 'string' && err.message.includes(`'${name}'`);
}

/**
 * Load an optional peer dependency (CommonJS `require`, synchronous: the disk store opens its
 * database in a constructor).
 *
 * @param name the package
 * @param feature what needs it, for the error message (`DiskStore`, `the emulator`)
 * @param req the `require` to load with (tests pass their own)
 * @returns the package's exports
 * @throws MissingPeerError (`TCB_MISSING_PEER`) when the package is not installed; any other
 *   error of loading it as it is
 */
export function requirePeer<T>(name: PeerName, feature: string, req: NodeJS.Require = requireHere): T {
  try {
    return req(name) as T;
  } catch (e) {
    if (isMissing(e, name)) throw new MissingPeerError(feature, [name], { cause: e });
    throw e;
  }
}

/**
 * Check that every one of `names` can be loaded, so that one error lists all that are missing.
 *
 * @param names the packages a feature needs
 * @param feature what needs them
 * @param req the `require` to resolve with (tests pass their own)
 * @throws MissingPeerError naming every missing package
 */
export function requirePeers(names: readonly PeerName[], feature: string, req: NodeJS.Require = requireHere): void {
  const missing: PeerName[] = [];
  let cause: unknown;
  for (const name of names) {
    try {
      req.resolve(name);
    } catch (e) {
      missing.push(name);
      cause ??= e;
    }
  }
  if (missing.length > 0) throw new MissingPeerError(feature, missing, { cause });
}
