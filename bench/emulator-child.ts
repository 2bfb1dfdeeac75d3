/**
 * The emulator of the submit bench case, in its own process (so the client's CPU time is measured
 * alone): starts on a free port and sends its URL to the parent over IPC.
 */
import { startEmulator } from '../src/emulator/index.js';
import { BENCH_CREDS } from './cases.js';

const emu = await startEmulator({ credentials: [{ ...BENCH_CREDS }], owners: ['MyOrg'], port: 0 });
process.send?.({ url: emu.url });
process.on('SIGTERM', () => void emu.close().then(() => process.exit(0)));
