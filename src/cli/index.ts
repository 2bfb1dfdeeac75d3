/**
 * `tcbatch` command line: wires one module per command (src/cli/<command>.ts) into commander and
 * maps failures to exit codes (0 ok, 1 items rejected or job errors, 2 usage or I/O error).
 * To add a command: write `src/cli/<name>.ts` exporting `register<Name>(program)` and call it below.
 */
import { Command, CommanderError } from 'commander';
import { registerServe } from './serve.js';
import { registerValidate } from './validate.js';
import { registerSubmit } from './submit.js';
import { registerConvert } from './convert.js';
import { registerDemo } from './demo.js';
import { EXIT } from './usage.js';

const program = new Command('tcbatch')
  .description('schema-first toolkit for the ThreatConnect Batch V2 API')
  .exitOverride()
  .showHelpAfterError();

registerServe(program);
registerValidate(program);
registerSubmit(program);
registerConvert(program);
registerDemo(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  else {
    process.stderr.write(`tcbatch: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = EXIT.usage;
  }
}
