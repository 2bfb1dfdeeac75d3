// The submit ledger: the journal file format, its lock, resume after a stop, refusal of a journal
// written for other input, and a child process SIGKILLed at chosen progress events then resumed:
// every item stored once, no chunk uploaded twice, every Document with its content.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { chunkHash, FileLedger, JournalError, replayLedger, type LedgerEntry, type ProgressEvent } from '../../src/index.js';
import { feed } from './feed.js';
import { CREDS, NO_WAIT, fileContent, rig, serverIndicators, serverJobs, uploads, type Rig } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'tcbatch-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let seq = 0;
const journalPath = () => join(dir, `j-${++seq}.jsonl`);

async function expectStoredOnce(r: Rig, n: number, docs: number): Promise<void> {
  const stored = await serverIndicators(r.direct);
  expect(stored.size).toBe(n);
  for (let i = 0; i < n; i++) expect(stored.get(`10.7.${i >> 8}.${i & 255}`)).toStrictEqual([`seen ${i}`]);
  for (let d = 0; d < docs; d++) expect(await fileContent(r.direct, `doc-${d}`)).toBe(`content of doc ${d}`);
  // no job got data twice: one upload per batch id, and the jobs with data hold every item once
  const up = uploads(r.proxy);
  expect(new Set(up).size).toBe(up.length);
  const jobs = (await serverJobs(r.direct)).filter((j) => j.status !== 'Created');
  expect(jobs.length).toBe(Math.ceil(docs / 10) + Math.ceil(n / 10));
  expect(jobs.every((j) => j.status === 'Completed')).toBe(true);
  expect(jobs.reduce((s, j) => s + j.successCount, 0)).toBe(n + docs);
}

describe('the journal file', () => {
  it('is JSON lines; a torn last line is ignored; replay folds each chunk', async () => {
    const path = journalPath();
    const ledger = FileLedger.open(path);
    const entries: LedgerEntry[] = [
      { t: 'run', v: 1, config: { owner: 'MyOrg' }, at: '2026-12-03T00:00:00.000Z' },
      { t: 'chunk', chunk: 0, sha256: 'aa', counts: { group: 0, indicator: 2, association: 0 }, files: 0 },
      { t: 'created', chunk: 0, batchId: 7 },
      { t: 'uploaded', chunk: 0, batchId: 7 },
      { t: 'status', chunk: 0, batchId: 7, status: { id: 7, status: 'Completed', successCount: 2, errorCount: 0, unprocessCount: 0 } },
    ];
    for (const e of entries) await ledger.append(e);
    await ledger.close();
    appendFileSync(path, '{"t":"created","chunk":1,"bat');
    expect(readFileSync(path, 'utf8').split('\n').slice(0, 5).map((l) => JSON.parse(l))).toStrictEqual(entries);
    const again = FileLedger.open(path);
    expect(await again.read()).toStrictEqual(entries);
    await again.append({ t: 'chunk', chunk: 1, sha256: 'bb', counts: { group: 0, indicator: 1, association: 0 }, files: 0 });
    const state = replayLedger(await again.read());
    await again.close();
    expect(state.config).toStrictEqual({ owner: 'MyOrg' });
    expect(state.chunks.get(0)).toMatchObject({ sha256: 'aa', batchId: 7, uploaded: true, status: { status: 'Completed' } });
    expect(state.chunks.get(1)).toMatchObject({ sha256: 'bb', uploaded: false });
    expect(state.chunks.get(1)!.batchId).toBeUndefined();
  });

  it('is locked while a live process holds it; a lock left by a dead process is taken over', async () => {
    const path = journalPath();
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(`${path}.lock`, String(sleeper.pid));
      const e = (() => {
        try {
          FileLedger.open(path);
        } catch (x) {
          return x;
        }
      })() as JournalError;
      expect(e).toBeInstanceOf(JournalError);
      expect(e.code).toBe('TCB_JOURNAL_LOCKED');
    } finally {
      sleeper.kill('SIGKILL');
      await new Promise((r) => sleeper.once('exit', r));
    }
    const ledger = FileLedger.open(path);
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(process.pid));
    await ledger.close();
  });
});

describe('resume', () => {
  it('a stopped run resumes: Completed chunks are not sent again, the rest is', async () => {
    const r = await rig();
    try {
      const path = journalPath();
      const stop = new AbortController();
      const first = await feed(r.client, 30, 0).submit({ journal: path, concurrency: 1, poll: NO_WAIT, signal: stop.signal, onProgress: (e) => e.type === 'completed' && stop.abort(new Error('SIGINT')) });
      expect(first.halted).toBe(true);
      expect(first.failure).toMatchObject({ code: 'TCB_ABORTED' });
      expect(first.totals.indicators).toStrictEqual({ total: 30, rejected: 0, succeeded: 10, failed: 0, unprocessed: 0, notSent: 20, unknown: 0 });
      const events: ProgressEvent[] = [];
      const second = await feed(r.client, 30, 0).submit({ journal: path, poll: NO_WAIT, onProgress: (e) => events.push(e) });
      expect(second.halted).toBe(false);
      expect(second.resumed).toBe(1);
      expect(second.jobs.map((j) => [j.chunk, j.state, j.resumed])).toStrictEqual([
        [0, 'completed', true],
        [1, 'completed', false],
        [2, 'completed', false],
      ]);
      expect(events.find((e) => e.type === 'chunk-resumed')).toStrictEqual({ type: 'chunk-resumed', chunk: 0, batchId: first.jobs[0]!.batchId, phase: 'files' });
      expect(second.totals.indicators).toStrictEqual({ total: 30, rejected: 0, succeeded: 30, failed: 0, unprocessed: 0, notSent: 0, unknown: 0 });
      await expectStoredOnce(r, 30, 0);
    } finally {
      await r.close();
    }
  });

  it('works with the disk store: stopped after the first job, resumed, Documents with their content', async () => {
    const r = await rig();
    try {
      const path = journalPath();
      const stop = new AbortController();
      const a = feed(r.client, 20, 10, 10, 'disk');
      const first = await a.submit({ journal: path, concurrency: 1, poll: NO_WAIT, signal: stop.signal, onProgress: (e) => e.type === 'completed' && stop.abort(new Error('stop')) });
      a.close();
      expect(first.totals.total).toBe(30);
      const b = feed(r.client, 20, 10, 10, 'disk');
      const second = await b.submit({ journal: path, poll: NO_WAIT });
      b.close();
      expect(second.resumed).toBe(1);
      expect(second.totals.succeeded).toBe(30);
      expect(second.files.filter((f) => f.uploaded)).toHaveLength(10);
      await expectStoredOnce(r, 20, 10);
    } finally {
      await r.close();
    }
  });

  it('killed between sending the data and recording it: the resume asks each job, uploads only to the one still Created', async () => {
    const r = await rig();
    try {
      const path = journalPath();
      const batch = feed(r.client, 20, 0);
      const [c0, c1] = [...batch.chunks()];
      const a = await r.direct.createJob(batch.settings);
      await r.direct.uploadData(a, c0!.text); // the server got chunk 1 but its answer was never recorded
      const b = await r.direct.createJob(batch.settings); // chunk 2's job was created, its data never arrived
      const ledger = FileLedger.open(path);
      await ledger.append({ t: 'run', v: 1, config: batch.settings, at: '2026-12-03T00:00:00.000Z' });
      await ledger.append({ t: 'chunk', chunk: 0, sha256: chunkHash(c0!.text), counts: c0!.counts, files: 0 });
      await ledger.append({ t: 'created', chunk: 0, batchId: a });
      await ledger.append({ t: 'chunk', chunk: 1, sha256: chunkHash(c1!.text), counts: c1!.counts, files: 0 });
      await ledger.append({ t: 'created', chunk: 1, batchId: b });
      await ledger.close();
      const events: ProgressEvent[] = [];
      const result = await feed(r.client, 20, 0).submit({ journal: path, poll: NO_WAIT, onProgress: (e) => events.push(e) });
      expect(events.filter((e) => e.type === 'chunk-resumed')).toStrictEqual([
        { type: 'chunk-resumed', chunk: 0, batchId: a, phase: 'check' },
        { type: 'chunk-resumed', chunk: 1, batchId: b, phase: 'check' },
      ]);
      expect(uploads(r.proxy)).toStrictEqual([b]);
      expect(result.jobs.map((j) => [j.batchId, j.state])).toStrictEqual([
        [a, 'completed'],
        [b, 'completed'],
      ]);
      await expectStoredOnce(r, 20, 0);
    } finally {
      await r.close();
    }
  });

  it('a poll deadline leaves chunks unknown; the resume polls them by batch id and uploads nothing again', async () => {
    const r = await rig([], { timing: { pollsPerState: 2 } });
    try {
      const path = journalPath();
      const first = await feed(r.client, 20, 0).submit({ journal: path, poll: { ...NO_WAIT, firstWait: 1, interval: 1, timeout: 1 } });
      expect(first.totals.indicators.unknown).toBe(20);
      const second = await feed(r.client, 20, 0).submit({ journal: path, poll: NO_WAIT });
      expect(second.jobs.map((j) => [j.state, j.batchId])).toStrictEqual(first.jobs.map((j) => ['completed', j.batchId]));
      expect(second.totals.indicators.succeeded).toBe(20);
      expect(uploads(r.proxy)).toHaveLength(2);
      await expectStoredOnce(r, 20, 0);
    } finally {
      await r.close();
    }
  });

  it('a journal written for other input is refused, naming the first chunk that differs; nothing is sent', async () => {
    const r = await rig();
    try {
      const path = journalPath();
      await feed(r.client, 30, 0).submit({ journal: path, poll: NO_WAIT });
      const sent = r.proxy.log.length;
      const e = (await feed(r.client, 25, 0).submit({ journal: path, poll: NO_WAIT }).catch((x: unknown) => x)) as JournalError;
      expect(e).toBeInstanceOf(JournalError);
      expect(e.code).toBe('TCB_JOURNAL_MISMATCH');
      expect(e.message).toContain('chunk 3 differs');
      const longer = (await feed(r.client, 31, 0).submit({ journal: path, poll: NO_WAIT }).catch((x: unknown) => x)) as JournalError;
      expect(longer.message).toContain('it has 3 chunks, the batch has 4 (chunk 4 is new)');
      const shorter = (await feed(r.client, 20, 0).submit({ journal: path, poll: NO_WAIT }).catch((x: unknown) => x)) as JournalError;
      expect(shorter.message).toContain('it has 3 chunks, the batch has 2 (chunk 3 is missing)');
      const append = feed(r.client, 30, 0);
      append.options.attributeWriteType = 'Replace';
      const config = (await append.submit({ journal: path, poll: NO_WAIT }).catch((x: unknown) => x)) as JournalError;
      expect(config.code).toBe('TCB_JOURNAL_MISMATCH');
      expect(config.message).toContain('another job config');
      expect(r.proxy.log.length).toBe(sent);
    } finally {
      await r.close();
    }
  });
});

/** Run the child until `at` matches an event, then SIGKILL it. */
async function killChildAt(apiPath: string, journal: string, n: number, docs: number, at: (e: ProgressEvent) => boolean): Promise<ProgressEvent[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('test/submit/journal-child.ts'), apiPath, journal, String(n), String(docs)], {
    env: { ...process.env, TC_API_ACCESS_ID: CREDS.accessId, TC_API_SECRET_KEY: CREDS.secretKey },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const seen: ProgressEvent[] = [];
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  for await (const line of createInterface({ input: child.stdout! })) {
    const e = JSON.parse(line) as ProgressEvent | { type: 'done' };
    if (e.type === 'done') break;
    seen.push(e as ProgressEvent);
    if (at(e as ProgressEvent)) {
      child.kill('SIGKILL');
      break;
    }
  }
  await exited;
  return seen;
}

describe('SIGKILL, then resume with the journal', () => {
  const cases: Array<[string, (e: ProgressEvent) => boolean]> = [
    ['after the first Completed job', (e) => e.type === 'completed'],
    ['right after chunk 2 was sent', (e) => e.type === 'chunk-sent' && e.chunk === 1],
    ['while polling chunk 3', (e) => e.type === 'poll' && e.attempt === 1 && e.batchId === 3],
    ['during the file uploads', (e) => e.type === 'file'],
  ];
  for (const [name, at] of cases) {
    it(`killed ${name}: every item stored once, no chunk uploaded twice, every file with its content`, async () => {
      const r = await rig([], { timing: { pollsPerState: 1 } });
      try {
        const path = journalPath();
        const seen = await killChildAt(r.proxy.url, path, 30, 20, at);
        expect(seen.some(at)).toBe(true);
        const result = await feed(r.client, 30, 20).submit({ journal: path, poll: NO_WAIT });
        expect(result.halted).toBe(false);
        expect(result.totals.indicators).toStrictEqual({ total: 30, rejected: 0, succeeded: 30, failed: 0, unprocessed: 0, notSent: 0, unknown: 0 });
        expect(result.totals.groups).toStrictEqual({ total: 20, rejected: 0, succeeded: 20, failed: 0, unprocessed: 0, notSent: 0, unknown: 0 });
        expect(result.resumed).toBeGreaterThan(0);
        expect(result.files.filter((f) => f.uploaded)).toHaveLength(20);
        await expectStoredOnce(r, 30, 20);
      } finally {
        await r.close();
      }
    }, 60_000);
  }
});
