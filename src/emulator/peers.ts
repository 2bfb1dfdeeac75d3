/**
 * The emulator's optional peer dependencies (see src/peers.ts): fastify and @fastify/multipart
 * for the HTTP server, better-sqlite3 for its database.
 */
import { requirePeers, type PeerName } from '../peers.js';

/** The feature name in `MissingPeerError` messages. */
export const EMULATOR = 'The emulator (tcbatch/emulator, tcbatch serve)';

/** Every package the emulator loads at start. */
export const EMULATOR_PEERS: readonly PeerName[] = ['fastify', '@fastify/multipart', 'better-sqlite3'];

/**
 * Check that every emulator peer is installed, so that one error names all that are missing.
 *
 * @throws MissingPeerError (`TCB_MISSING_PEER`) listing the missing packages and the install command
 */
export function requireEmulatorPeers(): void {
  requirePeers(EMULATOR_PEERS, EMULATOR);
}
