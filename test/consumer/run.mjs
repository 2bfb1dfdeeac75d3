#!/usr/bin/env node
// The packaging acceptance test (issue 11), run by .ci/run after `npm test` (`npm run test:package`):
// tcbatch as its users get it. `npm pack` (prepack builds dist/) into a temporary folder, then a
// temporary consumer project installs the tarball from the local npm cache (`--prefer-offline`; the
// npm registry is the only network) and, there:
//   1. without the optional peers: no native module and no HTTP server installed; `require('tcbatch')`
//      and `import 'tcbatch'` build and validate; DiskStore and the emulator fail with MissingPeerError
//      (code TCB_MISSING_PEER, the install command in the message); the installed CLI answers
//      `--version` and `serve` names the missing packages;
//   2. with the peers (fastify, @fastify/multipart, better-sqlite3): an ES module script (.mjs) and a
//      CommonJS script (.cjs) each build a batch, validate payloads with tcbatch/validators, start the
//      emulator from the installed package and submit to it, and read the stored group back; the
//      installed CLI's `demo` runs on the shipped data/;
//   3. with typescript: `tsc --strict` (module NodeNext) passes on a consumer file compiled once as an
//      ES module and once as CommonJS (each resolving its own condition's .d.ts), the output runs, and
//      misspelt names are compile errors naming their line;
//   4. codegen: see codegenSteps (a hook for `npx tcbatch codegen`).
// Prints each check, the measurements (tarball size and file count, node_modules without and with the
// peers, time per phase) and a closing "N passed, N failed" line; exits 1 when any check failed.
// TCBATCH_CONSUMER_KEEP=1 keeps the temporary folder.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'tcbatch-consumer-'));
const app = join(work, 'app');
const results = { passed: 0, failed: 0 };
const measured = {};
const started = performance.now();

// ---------------------------------------------------------------------------------------------- helpers

/** Run a command; returns { status, stdout, stderr }. */
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? app,
    timeout: opts.timeout,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      ...opts.env,
    },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Run a command that must exit 0; returns its stdout. */
function must(cmd, args, opts) {
  const r = run(cmd, args, opts);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** One named check: passes unless `fn` throws. */
function check(name, fn) {
  try {
    fn();
    results.passed++;
    console.log(`ok ${name}`);
  } catch (e) {
    results.failed++;
    console.log(`not ok ${name}\n  ${String(e?.stack ?? e).replace(/\n/g, '\n  ')}`);
  }
}

/** Deep equality of JSON values, with both printed when they differ. */
function same(actual, expected) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`expected ${b}\n       got ${a}`);
}

function ensure(cond, message) {
  if (!cond) throw new Error(message);
}

/** Every file under `dir` (symbolic links not followed). */
function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    const st = lstatSync(p);
    return st.isDirectory() ? files(p) : [p];
  });
}

/** Bytes of the files under `dir`. */
function size(dir) {
  return files(dir).reduce((n, f) => n + lstatSync(f).size, 0);
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const kb = (bytes) => `${(bytes / 1e3).toFixed(0)} kB`;

/** Time a phase. */
function phase(name, fn) {
  const t0 = performance.now();
  console.log(`# ${name}`);
  fn();
  measured[`time: ${name}`] = `${((performance.now() - t0) / 1000).toFixed(1)} s`;
}

function write(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/**
 * `node file` in the consumer project; its stdout parsed as JSON. With `commonjs`, it runs with
 * require() of ES modules turned off, as on Node 20 before 20.19: the CommonJS build must not
 * require() an ES-module-only package (p-retry is imported dynamically).
 */
function node(file, opts) {
  const flags = opts?.commonjs ? ['--no-experimental-require-module'] : [];
  return JSON.parse(must(process.execPath, [...flags, file], opts));
}

const installed = join(app, 'node_modules', 'tcbatch');
const peers = ['fastify', '@fastify/multipart', 'better-sqlite3'];
const version = (name) => pkg.devDependencies[name] ?? pkg.dependencies[name];

// ---------------------------------------------------------------------------------------------- pack

let tarball;
phase('npm pack (prepack builds dist/)', () => {
  const out = must('npm', ['pack', '--json', '--pack-destination', work], { cwd: repo });
  // prepack's build prints before npm's JSON
  const info = JSON.parse(out.slice(out.indexOf('[\n')))[0];
  tarball = join(work, info.filename);
  measured['tarball'] = `${kb(info.size)} packed, ${kb(info.unpackedSize)} unpacked, ${info.entryCount} files`;
  const paths = info.files.map((f) => f.path);
  check('the tarball has both builds of every entry point in "exports", with their types', () => {
    for (const [sub, entry] of Object.entries(pkg.exports)) {
      if (typeof entry === 'string') continue;
      for (const cond of ['import', 'require']) {
        for (const key of ['types', 'default']) {
          const p = entry[cond][key].replace(/^\.\//, '');
          ensure(paths.includes(p), `${sub} ${cond}.${key}: ${p} not in the tarball`);
        }
      }
    }
    ensure(paths.includes('dist/cjs/package.json'), 'dist/cjs/package.json (type commonjs) missing');
  });
  check(
    'the tarball has what the installed CLI needs: data/, schemas/, console files, codegen and its templates, LICENSE',
    () => {
      for (const p of [
        'LICENSE',
        'README.md',
        'bin/tcbatch.js',
        'dist/esm/src/cli/index.js',
        'data/README.md',
        'schemas/openapi.yaml',
        'src/emulator/console/index.html',
        'src/emulator/console/console.js',
        'dist/esm/codegen/index.js',
        'dist/esm/codegen/templates/builders.hbs',
      ]) {
        ensure(paths.includes(p), `${p} not in the tarball`);
      }
      ensure(paths.filter((p) => p.startsWith('data/')).length > 5, 'data/ is incomplete');
    },
  );
  check('the tarball has no source maps and no TypeScript sources', () => {
    same(
      paths.filter((p) => p.endsWith('.map') || (/\.[cm]?ts$/.test(p) && !/\.d\.[cm]?ts$/.test(p))),
      [],
    );
  });
});

// ---------------------------------------------------------------------------------------------- 1. no peers

phase('install without the optional peers', () => {
  write(
    join(app, 'package.json'),
    `${JSON.stringify({ name: 'tcbatch-consumer', version: '1.0.0', private: true }, null, 2)}\n`,
  );
  must('npm', ['install', '--prefer-offline', tarball]);
  measured['node_modules without the peers'] = mb(size(join(app, 'node_modules')));

  check('no native module and no HTTP server are installed', () => {
    const all = files(join(app, 'node_modules')).map((f) => relative(app, f));
    same(
      all.filter((f) => f.endsWith('.node')),
      [],
    );
    same(
      peers.filter((p) => existsSync(join(app, 'node_modules', p))),
      [],
    );
    ensure(
      !all.some((f) => f.endsWith('binding.gyp')),
      `a node-gyp build is installed: ${all.filter((f) => f.endsWith('binding.gyp'))}`,
    );
  });

  write(
    join(app, 'lean.cjs'),
    `const tcbatch = require('tcbatch');
const { validateAddress } = require('tcbatch/validators');
const batch = new tcbatch.Batch({ owner: 'MyOrg' });
batch.address('10.0.0.1').tag('lean');
let bad;
try { batch.address('10.0.0.300'); } catch (e) { bad = { name: e.name, code: e.code, isBase: e instanceof tcbatch.TcBatchError }; }
let disk;
try { new tcbatch.DiskStore(); } catch (e) {
  disk = { name: e.name, code: e.code, isClass: e instanceof tcbatch.MissingPeerError, isBase: e instanceof tcbatch.TcBatchError, packages: e.packages, message: e.message };
}
const chunks = [...batch.chunks()].map((c) => c.counts);
require('tcbatch/emulator').startEmulator().then(
  () => console.log('null'),
  (e) => console.log(JSON.stringify({ counts: batch.counts, chunks, bad, valid: validateAddress({ type: 'Address', summary: '10.0.0.1' }).valid, disk, emulator: { code: e.code, packages: e.packages, message: e.message } })),
);
`,
  );
  write(
    join(app, 'lean.mjs'),
    `import { Batch, DiskStore, MissingPeerError } from 'tcbatch';
import { startEmulator } from 'tcbatch/emulator';
const batch = new Batch({ owner: 'MyOrg' });
batch.host('lean.example.com');
let disk;
try { new DiskStore(); } catch (e) { disk = { code: e.code, isClass: e instanceof MissingPeerError }; }
let emulator;
try { await startEmulator(); } catch (e) { emulator = { code: e.code, packages: e.packages }; }
console.log(JSON.stringify({ counts: batch.counts, disk, emulator }));
`,
  );
  const diskMessage =
    'DiskStore needs the optional peer dependency better-sqlite3, which is not installed: run `npm install better-sqlite3`';
  const emulatorMessage =
    'The emulator (tcbatch/emulator, tcbatch serve) needs the optional peer dependencies fastify, @fastify/multipart, better-sqlite3, which are not installed: run `npm install fastify @fastify/multipart better-sqlite3`';
  check(
    "CommonJS without peers: require('tcbatch') builds and validates; DiskStore and the emulator throw MissingPeerError",
    () => {
      same(node('lean.cjs', { commonjs: true }), {
        counts: { groups: 0, indicators: 1, associations: 0 },
        chunks: [{ group: 0, indicator: 1, association: 0 }],
        bad: { name: 'ValidationError', code: 'TCB_INVALID_VALUE', isBase: true },
        valid: true,
        disk: {
          name: 'MissingPeerError',
          code: 'TCB_MISSING_PEER',
          isClass: true,
          isBase: true,
          packages: ['better-sqlite3'],
          message: diskMessage,
        },
        emulator: { code: 'TCB_MISSING_PEER', packages: peers, message: emulatorMessage },
      });
    },
  );
  check("ES module without peers: import 'tcbatch' builds; DiskStore and the emulator throw MissingPeerError", () => {
    same(node('lean.mjs'), {
      counts: { groups: 0, indicators: 1, associations: 0 },
      disk: { code: 'TCB_MISSING_PEER', isClass: true },
      emulator: { code: 'TCB_MISSING_PEER', packages: peers },
    });
  });
  check('the installed CLI: `tcbatch --version` prints the package version', () => {
    same(must('npx', ['--no-install', 'tcbatch', '--version']), `${pkg.version}\n`);
  });
  check('the installed CLI: `tcbatch serve` without peers exits 2 naming the packages to install', () => {
    const r = run('npx', ['--no-install', 'tcbatch', 'serve', '--port', '0'], {
      env: { TC_TOKEN: 'T' },
      timeout: 60_000,
    });
    same({ status: r.status, stderr: r.stderr }, { status: 2, stderr: `tcbatch: ${emulatorMessage}\n` });
  });
});

// ---------------------------------------------------------------------------------------------- 2. peers

phase('install the optional peers; ESM and CommonJS submit to the emulator', () => {
  // better-sqlite3 compiles its native module on install (no prebuilt binary can be downloaded here),
  // which takes minutes; the repository's own install has the same version built for this Node, so
  // its binary is copied instead (compiled here only when the repository has none).
  const repoSqlite = join(repo, 'node_modules', 'better-sqlite3');
  const binary = join(repoSqlite, 'build', 'Release', 'better_sqlite3.node');
  const reuse =
    existsSync(binary) &&
    JSON.parse(readFileSync(join(repoSqlite, 'package.json'), 'utf8')).version === version('better-sqlite3');
  must('npm', [
    'install',
    '--prefer-offline',
    ...(reuse ? ['--ignore-scripts'] : []),
    ...peers.map((p) => `${p}@${version(p)}`),
  ]);
  if (reuse) {
    mkdirSync(join(app, 'node_modules', 'better-sqlite3', 'build', 'Release'), { recursive: true });
    copyFileSync(binary, join(app, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
  }
  measured['node_modules with the peers'] = mb(size(join(app, 'node_modules')));

  const script = (dialect) => {
    const head =
      dialect === 'esm'
        ? `import { Batch, TcClient, ValidationError, validateBatchContent } from 'tcbatch';
import { validateHost, validateAddress } from 'tcbatch/validators';
import { startEmulator } from 'tcbatch/emulator';
import { importTxt } from 'tcbatch/importers';
`
        : `const { Batch, TcClient, ValidationError, validateBatchContent } = require('tcbatch');
const { validateHost, validateAddress } = require('tcbatch/validators');
const { startEmulator } = require('tcbatch/emulator');
const { importTxt } = require('tcbatch/importers');
`;
    return `${head}
async function main() {
  const emu = await startEmulator({ credentials: [{ accessId: 'A', secretKey: 'S' }], tokens: ['T'], owners: ['MyOrg'] });
  try {
    const client = new TcClient({ apiPath: emu.url, accessId: 'A', secretKey: 'S' });
    const batch = new Batch({ client, owner: 'MyOrg' });
    const adversary = batch.adversary('${dialect} adversary', '${dialect}-xid-1');
    adversary.attribute('Description', 'from the ${dialect} consumer', true);
    adversary.tag('consumer');
    batch.indicator('Host', '${dialect}.example.com', '3', '80').association(adversary);
    batch.addIndicator({ type: 'Address', summary: '192.0.2.1', xid: '${dialect}-xid-2', rating: 2 });
    const report = importTxt('198.51.100.7\\n', batch);
    let invalid;
    try { batch.address('192.0.2.300'); } catch (e) { invalid = { sameClass: e instanceof ValidationError, code: e.code, field: e.field }; }
    const result = await batch.submit();
    const res = await fetch(emu.url + '/v3/groups/${dialect}-xid-1?owner=MyOrg', { headers: { Authorization: 'TC-Token T' } });
    const group = (await res.json()).data;
    const bad = validateHost({ type: 'Host', summary: 'bad_host.example.com' });
    const content = validateBatchContent({ group: [{ type: 'File Drop', xid: 'x-1' }], indicator: [{ type: 'Host', summary: 'example.com' }] });
    console.log(JSON.stringify({
      imported: report.counts.indicators,
      invalid,
      totals: { succeeded: result.totals.succeeded, failed: result.totals.failed, total: result.totals.total },
      jobs: emu.jobs().map((j) => ({ status: j.status, successCount: j.counts && j.counts.successCount, errorCount: j.counts && j.counts.errorCount })),
      stored: { type: group.type, name: group.name, xid: group.xid },
      validators: {
        address: validateAddress({ type: 'Address', summary: '192.0.2.1' }).valid,
        host: bad.valid,
        hostPointers: bad.issues.map((i) => i.pointer),
        content: content.valid,
        contentPointers: content.issues.map((i) => i.pointer),
      },
    }));
  } finally {
    await emu.close();
  }
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
`;
  };
  write(join(app, 'full.mjs'), script('esm'));
  write(join(app, 'full.cjs'), script('cjs'));
  const expected = (dialect) => ({
    imported: 1,
    invalid: { sameClass: true, code: 'TCB_INVALID_VALUE', field: 'summary' },
    totals: { succeeded: 4, failed: 0, total: 4 },
    jobs: [{ status: 'Completed', successCount: 4, errorCount: 0 }],
    stored: { type: 'Adversary', name: `${dialect} adversary`, xid: `${dialect}-xid-1` },
    validators: {
      address: true,
      host: false,
      hostPointers: ['/summary'],
      content: false,
      contentPointers: ['/group/0'],
    },
  });
  check(
    'ES module: builds a batch, validates with tcbatch/validators, submits to the emulator of the installed package',
    () => {
      same(node('full.mjs'), expected('esm'));
    },
  );
  check('CommonJS: the same through require()', () => {
    same(node('full.cjs', { commonjs: true }), expected('cjs'));
  });
  check(
    'the installed CLI: `tcbatch demo` imports the shipped data/ and submits it to the emulator, counts reconciled',
    () => {
      const r = run('npx', ['--no-install', 'tcbatch', 'demo', '--quiet'], { timeout: 300_000 });
      ensure(r.status === 0, `exit ${r.status}\n${r.stdout}\n${r.stderr}`);
      ensure(
        /^Checks: every file imported: yes; jobs Completed: yes; (\d+) items = \1 succeeded \+ 0 failed \+ 0 unprocessed/m.test(
          r.stdout,
        ),
        `no reconciled Checks line:\n${r.stdout}`,
      );
    },
  );
  check('the installed CLI: `tcbatch demo --help` defaults to the shipped data/', () => {
    const help = must('npx', ['--no-install', 'tcbatch', 'demo', '--help']);
    const dir = /--data <dir>[^(]*\(default:\s+"([^"]+)"\)/.exec(help)?.[1];
    same(dir, join(installed, 'data'));
    ensure(existsSync(join(dir, 'README.md')), `${dir} has no README.md`);
  });
});

// ---------------------------------------------------------------------------------------------- 3. TypeScript

phase('TypeScript consumers (tsc --strict, module NodeNext, ESM and CommonJS)', () => {
  must('npm', [
    'install',
    '--prefer-offline',
    '--ignore-scripts',
    `typescript@${version('typescript')}`,
    `@types/node@${version('@types/node')}`,
  ]);
  if (!existsSync(join(app, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))) {
    throw new Error('better-sqlite3 lost its native module');
  }
  const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
  const consumer = `import { Batch, validateBatchContent, type ValidationIssue } from 'tcbatch';
import { validateHost } from 'tcbatch/validators';
import type { RunningEmulator } from 'tcbatch/emulator';
import { importTxt } from 'tcbatch/importers';

const batch = new Batch({ owner: 'MyOrg' });
const adversary = batch.adversary('typed adversary', 'ts-xid-1');
adversary.tag('typed');
const host = batch.host('typed.example.com');
host.rating = 3;
host.association(adversary);
importTxt('198.51.100.8', batch);
const issues: ValidationIssue[] = validateBatchContent({ indicator: [{ type: 'Host', summary: 'bad_host.example.com' }] }).issues;
const running: RunningEmulator | undefined = undefined;
console.log(JSON.stringify({ counts: batch.counts, host: validateHost({ type: 'Host', summary: 'example.com' }).valid, issues: issues.length, running: running ?? null }));
`;
  const project = (name, type) => {
    const dir = join(app, name);
    write(join(dir, 'package.json'), `${JSON.stringify({ name, private: true, type }, null, 2)}\n`);
    write(
      join(dir, 'tsconfig.json'),
      `${JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', types: ['node'], outDir: 'out', skipLibCheck: false }, include: ['*.ts'] }, null, 2)}\n`,
    );
    write(join(dir, 'index.ts'), consumer);
    return dir;
  };
  for (const [name, type, dialect] of [
    ['ts-esm', 'module', 'esm'],
    ['ts-cjs', 'commonjs', 'cjs'],
  ]) {
    const dir = project(name, type);
    check(
      `tsc --strict passes on a ${type === 'module' ? 'ES module' : 'CommonJS'} consumer, with the ${dialect} declarations`,
      () => {
        const r = run(process.execPath, [tsc, '-p', '.', '--listFiles'], { cwd: dir });
        const listed = r.stdout.split('\n');
        ensure(
          r.status === 0,
          `tsc exit ${r.status}:\n${listed.filter((l) => /error TS|^ /.test(l)).join('\n')}${r.stderr}`,
        );
        const own = listed
          .filter((f) => f.includes('/node_modules/tcbatch/dist/'))
          .map((f) => f.replace(/.*\/node_modules\/tcbatch\/dist\//, ''));
        ensure(own.includes(`${dialect}/src/index.d.ts`), `tsc did not read dist/${dialect}/src/index.d.ts`);
        same(
          own.filter((f) => !f.startsWith(`${dialect}/`)),
          [],
        );
      },
    );
    check(`the compiled ${type === 'module' ? 'ES module' : 'CommonJS'} consumer runs`, () => {
      const out = readFileSync(join(dir, 'out', 'index.js'), 'utf8');
      ensure(
        type === 'module' ? /^import /m.test(out) : /require\("tcbatch"\)/.test(out),
        `not ${type} output:\n${out}`,
      );
      same(node(join(dir, 'out', 'index.js'), { cwd: dir, commonjs: type === 'commonjs' }), {
        counts: { groups: 1, indicators: 2, associations: 0 },
        host: true,
        issues: 1,
        running: null,
      });
    });
  }

  /**
   * A misspelt name (or a value of the wrong type) must be a compile error, with its code, at its own
   * line. An entry may carry `pending: 'BRANCH'` while tsc still accepts it until BRANCH lands: it is
   * then reported as PENDING, and fails as soon as tsc refuses it, so that the mark is removed and the
   * check is a hard one (the Interface 2/3 and `rating` entries were so until issue-11-layer landed).
   */
  const misspelt = [
    { name: 'Interface 1: a misspelt type method', line: `batch.adversry('x');`, code: 'TS2551' },
    { name: 'a misspelt field', line: `batch.host('example.com').ratng = 3;`, code: 'TS2551' },
    { name: "Interface 2: batch.group('Evnt', ...)", line: `batch.group('Evnt', 'name');`, code: 'TS2345' },
    {
      name: "Interface 3: addGroup({ type: 'File Drop' })",
      line: `batch.addGroup({ type: 'File Drop', name: 'x' });`,
      code: 'TS2322',
    },
    { name: "a typed field: rating = 'high'", line: `batch.host('example.com').rating = 'high';`, code: 'TS2322' },
  ];
  for (const dirName of ['ts-esm', 'ts-cjs']) {
    const dir = join(app, dirName);
    rmSync(join(dir, 'out'), { recursive: true, force: true });
    const names = misspelt.map((m, i) => {
      const file = `bad-${i + 1}.ts`;
      write(
        join(dir, file),
        `import { Batch } from 'tcbatch';\n\nconst batch = new Batch({ owner: 'MyOrg' });\n${m.line}\n`,
      );
      return file;
    });
    // one program, every file on its own: tsc reports each file's errors with its line
    const r = run(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--module',
        'NodeNext',
        '--moduleResolution',
        'NodeNext',
        '--types',
        'node',
        ...names,
      ],
      { cwd: dir },
    );
    misspelt.forEach((m, i) => {
      const file = names[i];
      const errors = r.stdout.split('\n').filter((l) => l.startsWith(`${file}(`));
      const refused = errors.some((l) =>
        new RegExp(`^${file.replace('.', '\\.')}\\(4,\\d+\\): error ${m.code ?? 'TS\\d+'}`).test(l),
      );
      const name = `${dirName}: ${m.name} is a compile error naming line 4 (\`${m.line}\`)`;
      if (m.pending && errors.length === 0) {
        console.log(`ok ${name} # PENDING: compiles until ${m.pending} lands`);
        measured[`pending checks (${m.pending})`] = (measured[`pending checks (${m.pending})`] ?? 0) + 1;
        return;
      }
      check(name, () => {
        ensure(refused, `tsc exit ${r.status}; errors of ${file}:\n${errors.join('\n') || '(none)'}\n${r.stderr}`);
        ensure(
          !m.pending,
          `tsc refuses it now: remove "pending" from "${m.name}" in test/consumer/run.mjs (${m.pending} has landed)`,
        );
      });
    });
    for (const file of names) rmSync(join(dir, file));
  }
});

// ---------------------------------------------------------------------------------------------- 4. codegen

/**
 * `npx tcbatch codegen` in the consumer project (issue 11 item 3, branch issue-11-codegen): generate a
 * custom indicator type from a fixture `GET /v2/types/indicatorTypes` answer into the consumer's
 * src/tc-types, use it through Interfaces 1, 2 and 3, validate it, and check that `--check` detects a
 * stale output. Runs in the consumer project `app` with the peers and typescript installed; use
 * `must`, `run`, `node`, `check` and `same` as above.
 */
function codegenSteps() {
  const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
  const WALLET = 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh';
  const ACCOUNT = '12345678 : 021000021 : Example Bank';
  const sha = (s) => createHash('sha256').update(s).digest('hex');
  const main = (dialect) => `import { Batch, TcClient, validateBatchContent } from 'tcbatch';
import { startEmulator } from 'tcbatch/emulator';
import { customTypes, validateBankAccount, type BankAccount } from './tc-types/index.js';

async function main(): Promise<void> {
  const emu = await startEmulator({ tokens: ['T'], owners: ['MyOrg'], indicatorTypes: customTypes });
  try {
    const client = new TcClient({ apiPath: emu.url, token: 'T' });
    const batch = new Batch({ owner: 'MyOrg', client, types: customTypes });
    batch.bankAccount('12345678', '021000021', 'Example Bank', 3, 80).tag('${dialect}');
    batch.cryptocurrencyWallet({ walletAddress: '${WALLET}', rating: 2 });
    const second = batch.indicator('Bank Account', '87654321 : 021000021 : Other Bank', 1);
    second.description = 'via Interface 2';
    const raw: BankAccount = { type: 'Bank Account', summary: '1 : 2 : 3', xid: '${dialect}-raw-1' };
    batch.addIndicator(raw);
    const chunk = [...batch.chunks()][0]!;
    const valid = validateBatchContent(chunk.content, { types: customTypes }).valid;
    const bad = validateBankAccount({ type: 'Bank Account', summary: 'no separators' });
    const result = await batch.submit({ poll: { firstWait: 0, interval: 0, factor: 1, sleep: async () => {} } });
    const res = await fetch(emu.url + '/v3/indicators/' + encodeURIComponent('${ACCOUNT}') + '?owner=MyOrg&type=' + encodeURIComponent('Bank Account'), { headers: { Authorization: 'TC-Token T' } });
    const stored = (await res.json()).data;
    console.log(JSON.stringify({ text: chunk.text, valid, bad: bad.valid ? [] : bad.issues.map((i) => i.pointer), totals: result.totals.succeeded, stored: [stored.type, stored.value1, stored.value3] }));
  } finally {
    await emu.close();
  }
}

/** Compile errors only (never called). */
export function misspelt(batch: Batch<typeof customTypes>): void {
  // @ts-expect-error a misspelt custom type name
  batch.indicator('Bank Acount', 'x');
  // @ts-expect-error nor in Interface 3
  batch.addIndicator({ type: 'Bank Acount', summary: 'x', xid: 'y' });
  // @ts-expect-error a batch without the custom types has no such method
  new Batch({ owner: 'MyOrg' }).bankAccount('1', '2', '3');
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
`;
  copyFileSync(join(repo, 'test', 'fixtures', 'indicator-types.json'), join(app, 'indicator-types.json'));
  const expected = (dialect) => ({
    text: JSON.stringify({
      group: [],
      indicator: [
        { summary: ACCOUNT, type: 'Bank Account', xid: sha(`Bank Account-${ACCOUNT}`), rating: 3, confidence: 80, tag: [{ name: dialect }] },
        { summary: WALLET, type: 'Cryptocurrency Wallet', xid: sha(`Cryptocurrency Wallet-${WALLET}`), rating: 2 },
        { summary: '87654321 : 021000021 : Other Bank', type: 'Bank Account', xid: sha('Bank Account-87654321 : 021000021 : Other Bank'), rating: 1, description: 'via Interface 2' },
        { type: 'Bank Account', summary: '1 : 2 : 3', xid: `${dialect}-raw-1` },
      ],
      association: [],
    }),
    valid: true,
    bad: ['/summary'],
    totals: 4,
    stored: ['Bank Account', '12345678', 'EXAMPLE BANK'],
  });
  for (const [name, type, dialect] of [
    ['codegen-esm', 'module', 'esm'],
    ['codegen-cjs', 'commonjs', 'cjs'],
  ]) {
    const dir = join(app, name);
    // the consumer's own script, as the README documents it
    write(
      join(dir, 'package.json'),
      `${JSON.stringify({ name, private: true, type, scripts: { codegen: 'tcbatch codegen --indicator-types ../indicator-types.json --out src/tc-types', 'codegen:check': 'tcbatch codegen --indicator-types ../indicator-types.json --out src/tc-types --check' } }, null, 2)}\n`,
    );
    write(
      join(dir, 'tsconfig.json'),
      `${JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', types: ['node'], outDir: 'out', rootDir: 'src', skipLibCheck: false }, include: ['src'] }, null, 2)}\n`,
    );
    write(join(dir, 'src', 'main.ts'), main(dialect));
    check(`${type}: \`npm run codegen\` (tcbatch codegen) writes src/tc-types importing tcbatch by name`, () => {
      const out = must('npm', ['run', '--silent', 'codegen'], { cwd: dir });
      same(out, 'tcbatch codegen: wrote 6 files to src/tc-types\n');
      const generated = readdirSync(join(dir, 'src', 'tc-types')).sort();
      same(generated, ['builders.ts', 'catalog.ts', 'index.ts', 'standalone.ts', 'types.ts', 'validators.ts']);
      for (const f of generated) {
        const text = readFileSync(join(dir, 'src', 'tc-types', f), 'utf8');
        ensure(text.startsWith('// Generated by codegen — do not edit\n'), `${f} has no header`);
        const specifiers = [...text.matchAll(/^(?:import|export)\b[^'"\n]*from '([^']+)'/gm)].map((m) => m[1]);
        same(
          specifiers.filter((x) => !['tcbatch', 'tcbatch/types'].includes(x) && !/^\.\/[a-z]+\.js$/.test(x)),
          [],
        );
      }
    });
    check(`${type}: tsc --strict compiles the custom types (misspelt custom names are errors), and the output runs: Interfaces 1, 2, 3, validated, submitted to the installed emulator`, () => {
      const r = run(process.execPath, [tsc, '-p', '.'], { cwd: dir });
      ensure(r.status === 0, `tsc exit ${r.status}:\n${r.stdout}${r.stderr}`);
      same(node(join(dir, 'out', 'main.js'), { cwd: dir, commonjs: type === 'commonjs' }), expected(dialect));
    });
    check(`${type}: \`tcbatch codegen --check\` passes, then names the stale files once the answer changes`, () => {
      same(run('npm', ['run', '--silent', 'codegen:check'], { cwd: dir }).status, 0);
    });
  }
  const changed = JSON.parse(readFileSync(join(app, 'indicator-types.json'), 'utf8'));
  changed.data.indicatorType.find((t) => t.name === 'Bank Account').value3Label = 'Bank';
  writeFileSync(join(app, 'indicator-types.json'), JSON.stringify(changed));
  check('after the answer changed, `npm run codegen:check` exits 1 naming every generated file', () => {
    const r = run('npm', ['run', '--silent', 'codegen:check'], { cwd: join(app, 'codegen-esm') });
    same(
      { status: r.status, stderr: r.stderr },
      {
        status: 1,
        stderr: `tcbatch codegen --check: src/tc-types is stale; run tcbatch codegen without --check. Differs:\n  builders.ts\n  catalog.ts\n  index.ts\n  standalone.ts\n  types.ts\n  validators.ts\n`,
      },
    );
  });
}
phase('codegen in the consumer project', codegenSteps);

// ---------------------------------------------------------------------------------------------- summary

measured['time: total'] = `${((performance.now() - started) / 1000).toFixed(1)} s`;
for (const [k, v] of Object.entries(measured)) console.log(`# ${k}: ${v}`);
if (process.env.TCBATCH_CONSUMER_KEEP) console.log(`# kept ${work}`);
else rmSync(work, { recursive: true, force: true });
console.log(`consumer: ${results.passed} passed, ${results.failed} failed`);
process.exitCode = results.failed > 0 ? 1 : 0;
