/**
 * `tcbatch` command line: wires one module per command (src/cli/<command>.ts) into commander and
 * maps failures to exit codes (0 ok, 1 items rejected or job errors, 2 usage or I/O error).
 * Only the module of the command being run is loaded (`tcbatch serve` does not load the
 * importers), so commands start fast; `--help` loads them all.
 * To add a command: write `src/cli/<name>.ts` exporting `register<Name>(program)` and list it below.
 */
import { Command, CommanderError } from 'commander';
import { EXIT } from './usage.js';
import { packageVersion } from '../package-root.js';

type Register = (program: Command) => void;

/** Command name -> loader of its registration function. */
const COMMANDS: Record<string, () => Promise<Register>> = {
  serve: async () => (await import('./serve.js')).registerServe,
  validate: async () => (await import('./validate.js')).registerValidate,
  convert: async () => (await import('./convert.js')).registerConvert,
  submit: async () => (await import('./submit.js')).registerSubmit,
  demo: async () => (await import('./demo.js')).registerDemo,
  codegen: async () => (await import('./codegen.js')).registerCodegen,
};

/**
 * `tcbatch ... | head -1`: the reader went away. Every command (and `--help`) ends quietly with
 * its own exit code instead of an EPIPE stack trace; what it still writes there is dropped.
 */
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
}

const program = new Command('tcbatch')
  .description('schema-first toolkit for the ThreatConnect Batch V2 API')
  .version(packageVersion, '-V, --version', 'print the tcbatch version')
  .exitOverride()
  .showHelpAfterError();

try {
  const requested = process.argv[2];
  const version = requested === '-V' || requested === '--version';
  const names = requested !== undefined && requested in COMMANDS ? [requested] : version ? [] : Object.keys(COMMANDS);
  for (const name of names) (await COMMANDS[name]!())(program);
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  else {
    process.stderr.write(`tcbatch: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = EXIT.usage;
  }
}
