/**
 * `tcbatch` command line: wires one module per command (src/cli/<command>.ts) into commander and
 * maps failures to exit codes (0 ok, 1 items rejected or job errors, 2 usage or I/O error).
 * Only the module of the command being run is loaded (`tcbatch serve` does not load the
 * importers), so commands start fast; `--help` loads them all.
 * To add a command: write `src/cli/<name>.ts` exporting `register<Name>(program)` and list it below.
 */
import { Command, CommanderError } from 'commander';
import { EXIT } from './usage.js';

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

const program = new Command('tcbatch')
  .description('schema-first toolkit for the ThreatConnect Batch V2 API')
  .exitOverride()
  .showHelpAfterError();

try {
  const requested = process.argv[2];
  const names = requested !== undefined && requested in COMMANDS ? [requested] : Object.keys(COMMANDS);
  for (const name of names) (await COMMANDS[name]!())(program);
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  else {
    process.stderr.write(`tcbatch: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = EXIT.usage;
  }
}
