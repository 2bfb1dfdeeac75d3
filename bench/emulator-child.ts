/**
 * The emulator of the submit bench cases, in its own process (so the client's CPU time is measured
 * alone): starts on a free port and sends its URL to the parent over IPC. Asked `'cpu'`, it answers
 * with its own CPU time so far (`{ cpuMs }`): the emulator's busy time.
 */
import { startEmulator } from '../src/emulator/index.js';
import { BENCH_CREDS } from './cases.js';

const emu = await startEmulator({ credentials: [{ ...BENCH_CREDS }], owners: ['MyOrg'], port: 0 });
process.send?.({ url: emu.url });
process.on('message', (m) => {
  if (m !== 'cpu') return;
  const u = process.cpuUsage();
  process.send?.({ cpuMs: (u.user + u.system) / 1000 });
});
process.on('SIGTERM', () => void emu.close().then(() => process.exit(0)));
