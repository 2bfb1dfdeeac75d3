/**
 * `tcbatch serve`: run the local ThreatConnect batch server (src/emulator) until interrupted.
 * Prints the base URL and the owners; never prints the secret key or token.
 */
import type { Command } from 'commander';
import { startEmulator, type EmulatorOptions } from '../emulator/index.js';
import type { UsersFile } from '../emulator/users.js';
import { UsageError, collect, nonNegativeNumber, rate, statusList } from './usage.js';
import { INDICATOR_TYPES_HELP, typesOption } from './types-option.js';

/** Parsed `serve` options (commander camel-cases the flags). */
interface ServeFlags {
  port: number;
  host: string;
  db: string;
  accessId?: string;
  secretKey?: string;
  token?: string[];
  owner?: string[];
  maxUploadBytes?: number;
  indicatorLimit?: number;
  workers?: number;
  queueDelayMs?: number;
  runDelayMs?: number;
  pollsPerState?: number;
  syncLimit?: number;
  latencyMs?: number;
  errorRate?: number;
  errorStatuses?: number[];
  rateLimitRate?: number;
  retryAfter?: number;
  dropRate?: number;
  faultPath?: string;
  slowJobMs?: number;
  stuckJobRate?: number;
  seed?: number;
  logLevel: string;
  logFormat: string;
  users?: string;
  batchApiUnavailable?: boolean;
  console?: boolean;
  quiet?: boolean;
  indicatorTypes?: string;
}

/** Warnings for secrets given as command-line arguments (visible to every user of the machine in `ps`). */
export function argumentWarnings(f: Pick<ServeFlags, 'secretKey' | 'token'>): string[] {
  const out: string[] = [];
  if (f.secretKey !== undefined) out.push('warning: --secret-key is visible to other users of this machine (ps, shell history); set TC_API_SECRET_KEY instead');
  if (f.token !== undefined) out.push('warning: --token is visible to other users of this machine (ps, shell history); set TC_TOKEN or use --users FILE instead');
  return out;
}

/**
 * Turn flags into emulator options.
 *
 * Credentials: the environment variables `TC_API_ACCESS_ID`, `TC_API_SECRET_KEY` and `TC_TOKEN`
 * (preferred), `--access-id` with `--secret-key` and/or `--token` (repeatable), and the users of
 * `--users FILE`. The first three act as the one default user with write on every owner.
 *
 * @param file the parsed `--users` file, if any (read by the caller, so `yaml` loads only when used)
 * @throws UsageError when no credential is given or only half of an HMAC pair
 */
export function serveOptions(f: ServeFlags, env: NodeJS.ProcessEnv = process.env, file?: UsersFile): EmulatorOptions {
  const accessId = f.accessId ?? (env.TC_API_ACCESS_ID || undefined);
  const secretKey = f.secretKey ?? (env.TC_API_SECRET_KEY || undefined);
  const tokens = f.token ?? (env.TC_TOKEN ? [env.TC_TOKEN] : []);
  if ((accessId === undefined) !== (secretKey === undefined)) throw new UsageError('--access-id and --secret-key go together (or TC_API_ACCESS_ID with TC_API_SECRET_KEY)');
  if (accessId === undefined && tokens.length === 0 && !file)
    throw new UsageError('give credentials: TC_API_ACCESS_ID and TC_API_SECRET_KEY or TC_TOKEN in the environment, --users FILE, or --access-id ID --secret-key KEY / --token T');
  if (f.logFormat !== 'human' && f.logFormat !== 'json') throw new UsageError('--log-format is human or json');
  const o: EmulatorOptions = {
    port: f.port,
    host: f.host,
    db: f.db,
    credentials: accessId !== undefined && secretKey !== undefined ? [{ accessId, secretKey }] : [],
    tokens,
    timing: {},
    faults: {},
  };
  if (file) {
    o.users = file.users;
    if (file.owners && file.owners.length > 0) o.owners = [...(file.owners ?? []), ...(f.owner ?? []).filter((n) => !file.owners!.some((w) => w.name === n))];
  }
  if (f.owner && !file) o.owners = f.owner;
  if (f.batchApiUnavailable) o.batchApiUnavailable = true;
  if (f.console !== undefined) o.console = f.console;
  if (f.maxUploadBytes !== undefined) o.maxUploadBytes = f.maxUploadBytes;
  if (f.indicatorLimit !== undefined) o.indicatorLimit = f.indicatorLimit;
  if (f.workers !== undefined) o.workers = f.workers;
  const t = o.timing!;
  if (f.queueDelayMs !== undefined) t.queueDelayMs = f.queueDelayMs;
  if (f.runDelayMs !== undefined) t.runDelayMs = f.runDelayMs;
  if (f.pollsPerState !== undefined) t.pollsPerState = f.pollsPerState;
  if (f.syncLimit !== undefined) t.synchronousLimit = f.syncLimit;
  const x = o.faults!;
  if (f.latencyMs !== undefined) x.latencyMs = f.latencyMs;
  if (f.errorRate !== undefined) x.errorRate = f.errorRate;
  if (f.errorStatuses !== undefined) x.errorStatuses = f.errorStatuses;
  if (f.rateLimitRate !== undefined) x.rateLimitRate = f.rateLimitRate;
  if (f.retryAfter !== undefined) x.retryAfterSeconds = f.retryAfter;
  if (f.dropRate !== undefined) x.dropRate = f.dropRate;
  if (f.faultPath !== undefined) x.pathPattern = f.faultPath;
  if (f.slowJobMs !== undefined) x.slowJobMs = f.slowJobMs;
  if (f.stuckJobRate !== undefined) x.stuckJobRate = f.stuckJobRate;
  if (f.seed !== undefined) x.seed = f.seed;
  if (!f.quiet) {
    o.logStream = process.stderr;
    o.logLevel = f.logLevel;
    o.logFormat = f.logFormat === 'json' ? 'json' : 'human';
  }
  return o;
}

/** Add the `serve` command to the program. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the local ThreatConnect batch server (emulator) under /api')
    .option('--port <n>', 'TCP port (0 = any free port)', nonNegativeNumber, 8443)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--db <file>', 'SQLite file, or :memory:', ':memory:')
    .option('--access-id <id>', 'HMAC access id accepted (default: TC_API_ACCESS_ID)')
    .option('--secret-key <key>', 'HMAC secret key (default: TC_API_SECRET_KEY, preferred: arguments are visible in ps)')
    .option('--token <token>', 'TC-Token accepted, repeatable (default: TC_TOKEN)', collect)
    .option('--users <file>', 'users, their credentials and rights per owner (JSON or YAML)')
    .option('--indicator-types <file>', `${INDICATOR_TYPES_HELP}; listed by GET /v2/types/indicatorTypes`)
    .option('--owner <name>', 'owner name (repeatable; the first is the Organization)', collect)
    .option('--max-upload-bytes <n>', 'largest batch upload in bytes', nonNegativeNumber)
    .option('--indicator-limit <n>', 'indicators allowed per job', nonNegativeNumber)
    .option('--workers <n>', 'batch jobs processed at the same time (default 4)', nonNegativeNumber)
    .option('--queue-delay-ms <ms>', 'time a job stays Queued', nonNegativeNumber)
    .option('--run-delay-ms <ms>', 'time a job stays Running', nonNegativeNumber)
    .option('--polls-per-state <n>', 'status polls answered Queued and then Running', nonNegativeNumber)
    .option('--sync-limit <n>', 'createAndUpload jobs with fewer items are processed inline', nonNegativeNumber)
    .option('--latency-ms <ms>', 'fault: delay before every answer', nonNegativeNumber)
    .option('--error-rate <p>', 'fault: rate of 5xx answers', rate)
    .option('--error-statuses <list>', 'fault: 5xx statuses to use', statusList)
    .option('--rate-limit-rate <p>', 'fault: rate of 429 answers', rate)
    .option('--retry-after <s>', 'fault: Retry-After seconds of a 429', nonNegativeNumber)
    .option('--drop-rate <p>', 'fault: rate of dropped connections', rate)
    .option('--fault-path <regex>', 'fault: only paths matching this regular expression')
    .option('--slow-job-ms <ms>', 'fault: extra time every job spends Running', nonNegativeNumber)
    .option('--stuck-job-rate <p>', 'fault: rate of jobs that never complete', rate)
    .option('--seed <n>', 'fault: random seed', nonNegativeNumber)
    .option('--console', 'serve the web console at / even on a non-loopback --host')
    .option('--no-console', 'do not serve the web console')
    .option('--batch-api-unavailable', "answer the batch endpoints with ThreatConnect's 503 (batch disabled)")
    .option('--log-level <level>', 'log level (stderr): trace, debug, info, warn, error', 'info')
    .option('--log-format <format>', 'human (one line per request) or json', 'human')
    .option('--quiet', 'no request log')
    .action(async (flags: ServeFlags) => {
      const file = flags.users !== undefined ? (await import('../emulator/users.js')).loadUsersFile(flags.users) : undefined;
      const options = serveOptions(flags, process.env, file);
      const types = await typesOption(flags.indicatorTypes);
      if (types) options.indicatorTypes = types;
      const custom = Object.keys(options.indicatorTypes?.indicators ?? {});
      for (const w of argumentWarnings(flags)) process.stderr.write(`${w}\n`);
      const emu = await startEmulator(options);
      const owners = (options.owners ?? ['Demo Organization']).map((w) => (typeof w === 'string' ? w : w.name)).join(', ');
      process.stdout.write(`tcbatch emulator listening on ${emu.url} (owners: ${owners}; database: ${flags.db})\n`);
      if (custom.length > 0) process.stdout.write(`custom indicator types: ${custom.join(', ')}\n`);
      if (emu.consoleUrl) process.stdout.write(`console: ${emu.consoleUrl}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void emu.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
