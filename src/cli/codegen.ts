/**
 * `tcbatch codegen`: typed builders, validators and types for an instance's custom indicator types,
 * written into a folder of the user's project (see `src/codegen/project.ts`). The answer of
 * `GET /v2/types/indicatorTypes` comes from a file (`--indicator-types`) or from the instance
 * (`--from-instance`, with `TC_API_PATH` and `TC_API_ACCESS_ID`/`TC_API_SECRET_KEY` or `TC_TOKEN`,
 * as `tcbatch submit`). `--check` writes nothing and exits 1 naming the stale files.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { TcClient } from '../client/client.js';
import { NetworkError, TcApiError } from '../client/errors.js';
import { generateProject } from '../codegen/project.js';
import { staleFiles, updateFiles } from '../emit/files.js';
import { EXIT, UsageError } from './usage.js';

interface CodegenFlags {
  indicatorTypes?: string;
  fromInstance?: boolean;
  out?: string;
  check?: boolean;
}

/** The answer from the file, parsed. @throws UsageError when it cannot be read or is not JSON */
function readAnswerFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --indicator-types ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`--indicator-types ${file} is not JSON: ${(e as Error).message}`);
  }
}

const HELP = `
Examples:
  tcbatch codegen --indicator-types indicator-types.json --out src/tc-types
  tcbatch codegen --from-instance --out src/tc-types        # TC_API_PATH + TC_API_ACCESS_ID/TC_API_SECRET_KEY or TC_TOKEN
  tcbatch codegen --indicator-types indicator-types.json --out src/tc-types --check   # for CI

The folder gets index.ts (customTypes), builders.ts, validators.ts, standalone.ts, types.ts and
catalog.ts, importing tcbatch by package name. Use them with new Batch({ owner, types: customTypes }).
Exit codes: 0 written or up to date; 1 --check found stale files; 2 usage or I/O error, or an answer
that is not an indicatorTypes answer; 3 the instance could not be asked (--from-instance).`;

/** Register `codegen` on the program. */
export function registerCodegen(program: Command): void {
  program
    .command('codegen')
    .description("write typed builders, validators and types for an instance's custom indicator types into your project")
    .option('--indicator-types <file>', 'a GET /v2/types/indicatorTypes answer (JSON)')
    .option('--from-instance', 'ask the instance (GET /v2/types/indicatorTypes) with the TC_* environment')
    .option('--out <dir>', 'folder to write (only files with the codegen header are ever replaced or removed)')
    .option('--check', 'write nothing; exit 1 and name the files that differ when the folder is stale')
    .addHelpText('after', HELP)
    .action(async (flags: CodegenFlags) => {
      if ((flags.indicatorTypes === undefined) === (flags.fromInstance !== true)) throw new UsageError('give one of --indicator-types FILE or --from-instance');
      if (flags.out === undefined) throw new UsageError('give --out DIR, the folder of your project to write');
      let answer: unknown;
      if (flags.indicatorTypes !== undefined) answer = readAnswerFile(flags.indicatorTypes);
      else {
        const client = new TcClient();
        try {
          answer = await client.indicatorTypes();
        } catch (e) {
          if (e instanceof TcApiError || e instanceof NetworkError) {
            process.stderr.write(`tcbatch codegen: GET /v2/types/indicatorTypes failed: ${e.message}\n`);
            process.exitCode = EXIT.server;
            return;
          }
          throw e;
        }
      }
      const files = generateProject(answer, flags.indicatorTypes !== undefined ? { origin: `${flags.indicatorTypes} (GET /v2/types/indicatorTypes answer)` } : {});
      const outDir = resolve(flags.out);
      const shown = flags.out;
      const names = [...files.keys()].length === 0 ? 'no custom indicator types' : `${files.size} files`;
      if (flags.check) {
        const stale = staleFiles(files, outDir, true);
        if (stale.length > 0) {
          process.stderr.write(`tcbatch codegen --check: ${shown} is stale; run tcbatch codegen without --check. Differs:\n  ${stale.join('\n  ')}\n`);
          process.exitCode = EXIT.rejected;
          return;
        }
        process.stdout.write(`tcbatch codegen --check: ${shown} is up to date (${names})\n`);
        return;
      }
      const removed = updateFiles(files, outDir);
      process.stdout.write(`tcbatch codegen: wrote ${names} to ${shown}${removed.length > 0 ? `; removed ${removed.join(', ')}` : ''}\n`);
    });
}
