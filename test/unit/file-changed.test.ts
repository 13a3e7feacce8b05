/**
 * A file that changes while it is read (a training loop rewriting or truncating its predictions)
 * gives one FileChangedError, never the row problems or the mean the torn read would have made:
 * the Node readers (one thread, split over dist/worker.js, the extension's file worker), the CLI
 * (dist/cli.js), the browser build's streamed source, and the extension's settle-and-reread.
 * `node scripts/build.mjs` first (the tests start the bundles).
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, openSync, closeSync, readdirSync, renameSync, statSync, truncateSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { analyze, AnalysisError, type AnalysisRequest } from '../../src/core/analyze';
import { FileChangedError, fileChangedMessage, isFileChanged, sameIdentity, type FileIdentity } from '../../src/core/file-changed';
import { MIN_SPLIT_BYTES } from '../../src/core/parse';
import { CancelledError } from '../../src/shared/cancelled';
import { errorOf, failureOf } from '../../src/shared/failure';
import { analyzeFile } from '../../src/node/analyze-file';
import { runInWorker } from '../../src/node/analyze-in-worker';
import { fileSource, withFileSource } from '../../src/node/file-source';
import { estimateFile } from '../../src/node/sample-file';
import { readSettled, waitUntilQuiet, type Clock } from '../../src/extension/settle';
import { fetchSource } from '../../src/web/fetch-source';
import { closeWindows, dataOf, harness, q, reportOf } from './webview-helpers';

const request: AnalysisRequest = {
  loss: { preset: 'classic', labelSmoothing: 0, reduction: 'mean', base: 'e' },
  overrides: {},
  skipInvalid: false,
  topK: 10,
  calibrationBins: 15,
};
const MiB = 1 << 20;
const dir = mkdtempSync(join(tmpdir(), 'll-changed-'));

/** A CSV of 5-class probabilities of at least `bytes` bytes, from a fixed recurrence. */
function probsCsv(name: string, bytes: number, seed = 12345): string {
  const lines = ['label,p0,p1,p2,p3,p4'];
  let size = lines[0]!.length + 1;
  let x = seed;
  for (let i = 0; size < bytes; i++) {
    const w: number[] = [];
    for (let k = 0; k < 5; k++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      w.push(0.05 + x / 2147483648);
    }
    const sum = w.reduce((a, b) => a + b, 0);
    const line = `${i % 5},${w.map((v) => (v / sum).toFixed(6)).join(',')}`;
    lines.push(line);
    size += line.length + 1;
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  // An hour ago: any write from now on gives another modification time, however coarse the clock.
  const past = new Date(Date.now() - 3_600_000);
  utimesSync(path, past, past);
  return path;
}

/** The message's shape: sizes with thousands separators, the new modification time to the millisecond. */
const CHANGED_LINE = /^the file changed while it was read \((?:[\d,]+ -> )?[\d,]+ bytes(?:, replaced by another file)?, modified \d\d:\d\d:\d\d\.\d{3}\); it is probably still being written: run again when it is complete$/;

/** Fails unless `p` rejects with a FileChangedError; returns it. */
async function changeOf(p: Promise<unknown>): Promise<FileChangedError> {
  const err = await p.then(
    (r) => assert.fail(`expected a FileChangedError, got a result: ${JSON.stringify(r).slice(0, 200)}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof FileChangedError, `expected a FileChangedError, got ${String(err)}`);
  return err;
}

/** Open descriptors of this process (Linux), to see that reads close what they open. */
function openFds(): number | undefined {
  return existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : undefined;
}

describe('a file that changes while it is read', function () {
  this.timeout(60_000);

  describe('the message and the worker boundary', () => {
    it('says what changed: sizes, a replacement, a removal, the time to the millisecond', () => {
      const t = new Date(2024, 0, 2, 14, 2, 3, 512).getTime();
      const before: FileIdentity = { size: 12_345_678, mtimeMs: t - 5000, ino: 7, dev: 1 };
      assert.equal(
        fileChangedMessage(before, { size: 4096, mtimeMs: t, ino: 7, dev: 1 }),
        'the file changed while it was read (12,345,678 -> 4,096 bytes, modified 14:02:03.512); it is probably still being written: run again when it is complete',
      );
      assert.match(fileChangedMessage(before, { size: 12_345_678, mtimeMs: t, ino: 8, dev: 1 }), /\(12,345,678 bytes, replaced by another file, modified 14:02:03\.512\)/);
      assert.match(fileChangedMessage(before, null), /\(12,345,678 bytes, then removed\)/);
      assert.match(fileChangedMessage(before, { size: 1, mtimeMs: t }, 'again'), /^the file changed again while it was read a second time \(12,345,678 -> 1 bytes, modified 14:02:03\.512\); it is still being written/);
      assert.ok(sameIdentity(before, { ...before }));
      assert.ok(!sameIdentity(before, { ...before, mtimeMs: before.mtimeMs + 1 }));
      // The browser build knows no inode: size and time decide.
      assert.ok(sameIdentity({ size: 1, mtimeMs: 2 }, { size: 1, mtimeMs: 2, ino: 3 }));
    });

    it('crosses a worker boundary as data and comes back as the same error (kind "changed")', () => {
      const err = new FileChangedError('preds.csv', { size: 10, mtimeMs: 1, ino: 2, dev: 3 }, { size: 4, mtimeMs: 5, ino: 2, dev: 3 });
      const data = failureOf(err, new AbortController().signal);
      assert.equal(data.kind, 'changed');
      const back = errorOf(structuredClone(data));
      assert.ok(back instanceof FileChangedError);
      assert.ok(isFileChanged(back));
      assert.equal(back.code, 'FILE_CHANGED');
      assert.deepEqual([back.file, back.message, back.before, back.after, back.phase], [err.file, err.message, err.before, err.after, 'read']);
      // A read the user cancelled is a cancel, whatever it met.
      const aborted = new AbortController();
      aborted.abort();
      assert.equal(failureOf(err, aborted.signal).kind, 'cancelled');
    });
  });

  describe('the Node readers', () => {
    it('one thread: a truncation mid-read is a FileChangedError, where the bare read gives row problems or a short count', async () => {
      const path = probsCsv('trunc.csv', 4 * MiB);
      const size = statSync(path).size;
      const full = await analyzeFile(path, request, { threads: 1 });
      // What the change check supersedes: the core's read alone, truncated at the same point.
      const copy = join(dir, 'trunc-bare.csv');
      copyFileSync(path, copy);
      const bare = await fileSource(copy);
      let cut = false;
      const torn = await analyze(bare, request, {
        onProgress: (n) => {
          if (!cut && n >= MiB) {
            truncateSync(copy, 1_500_000);
            cut = true;
          }
        },
      }).then(
        (a) => `${a.rows} rows`,
        (e: unknown) => (e instanceof AnalysisError ? `problems: ${e.problems[0]?.message}` : String(e)),
      );
      await bare.close();
      assert.ok(cut);
      assert.notEqual(torn, `${full.rows} rows`, 'the bare read did not notice the truncation at all');

      cut = false;
      const fds = openFds();
      const err = await changeOf(
        analyzeFile(path, request, {
          threads: 1,
          onProgress: (n) => {
            if (!cut && n >= MiB) {
              truncateSync(path, 1_500_000);
              cut = true;
            }
          },
        }),
      );
      assert.equal(openFds(), fds, 'a descriptor was left open');
      assert.equal(err.file, path);
      assert.equal(err.before.size, size);
      assert.equal(err.after?.size, 1_500_000);
      assert.match(err.message, CHANGED_LINE);
      assert.match(err.message, new RegExp(`\\(${size.toLocaleString('en-US')} -> 1,500,000 bytes, modified`));
    });

    it('one thread: a rewrite in place of the same size is caught by its modification time', async () => {
      const path = probsCsv('rewrite.csv', 3 * MiB);
      const size = statSync(path).size;
      let done = false;
      const err = await changeOf(
        analyzeFile(path, request, {
          threads: 1,
          name: 'rewrite.csv',
          onProgress: () => {
            if (done) return;
            done = true;
            // The trainer's next epoch over the same samples: other digits, same length.
            const fd = openSync(path, 'r+');
            writeSync(fd, Buffer.from('0,0.200000,0.200000,0.200000,0.200000,0.200000\n'), 0, undefined, 2 * MiB);
            closeSync(fd);
          },
        }),
      );
      assert.equal(err.file, 'rewrite.csv');
      assert.equal(err.after?.size, size);
      assert.ok(!err.message.includes('->'), err.message);
      assert.match(err.message, CHANGED_LINE);
    });

    it('one thread: another file renamed over it (same size and time) is caught by its inode', async () => {
      const path = probsCsv('renamed.csv', 3 * MiB);
      const info = statSync(path);
      const next = probsCsv('renamed.next.csv', 3 * MiB);
      utimesSync(next, info.atime, info.mtime);
      assert.equal(statSync(next).size, info.size);
      let done = false;
      const err = await changeOf(
        analyzeFile(path, request, {
          threads: 1,
          onProgress: () => {
            if (done) return;
            done = true;
            renameSync(next, path);
          },
        }),
      );
      assert.match(err.message, /\([\d,]+ bytes, replaced by another file, modified/);
      assert.notEqual(err.after?.ino, err.before.ino);
    });

    it('split over two threads (dist/worker.js): a truncation mid-read is a FileChangedError', async function () {
      const workerScript = resolve('dist/worker.js');
      if (!existsSync(workerScript)) throw new Error('dist/worker.js is missing: run node scripts/build.mjs');
      const path = probsCsv('split.csv', MIN_SPLIT_BYTES + 2 * MiB);
      const size = statSync(path).size;
      let cut = false;
      const err = await changeOf(
        analyzeFile(path, request, {
          threads: 2,
          workerScript,
          onProgress: (n) => {
            if (!cut && n >= 2 * MiB) {
              truncateSync(path, 3 * MiB);
              cut = true;
            }
          },
        }),
      );
      assert.ok(cut, 'the read ended before it could be cut');
      assert.equal(err.before.size, size);
      assert.equal(err.after?.size, 3 * MiB);
      assert.match(err.message, CHANGED_LINE);
    });

    it('a file left alone reads as before, and withFileSource closes what it opened', async () => {
      const path = probsCsv('still.csv', 2 * MiB);
      const fds = openFds();
      const a = await analyzeFile(path, request, { threads: 1 });
      const e = await estimateFile(path, request, { count: 4, bytes: 64 * 1024 });
      const head = await withFileSource(path, 'still.csv', async (s) => s.identity);
      assert.equal(openFds(), fds);
      assert.ok(a.rows > 40_000);
      assert.ok(e && e.sampledRows > 0);
      assert.equal(head.size, statSync(path).size);
    });
  });

  describe('a writer rewriting the file without a pause (a training loop)', () => {
    let writer: ChildProcess | undefined;
    afterEach(() => {
      writer?.kill();
      writer = undefined;
    });

    /**
     * Rewrites `path` in place, alternately with the bytes of `a` and `b`, until killed: never
     * empty (a reader that found it empty would rightly say so), never quiet for long.
     */
    function rewriteForever(path: string, a: string, b: string): Promise<void> {
      const code = `
        const fs = require('fs');
        const v = [fs.readFileSync(${JSON.stringify(a)}), fs.readFileSync(${JSON.stringify(b)})];
        const fd = fs.openSync(${JSON.stringify(path)}, 'r+');
        process.stdout.write('go\\n');
        for (let i = 0; ; i++) { const d = v[i % 2]; fs.writeSync(fd, d, 0, d.length, 0); fs.ftruncateSync(fd, d.length); }`;
      const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
      writer = child;
      return new Promise((resolvePromise, reject) => {
        child.stdout?.once('data', () => resolvePromise());
        child.once('exit', (c) => reject(new Error(`the writer stopped (${c})`)));
      });
    }

    it('the CLI prints one line, file-prefixed, and exits 1', async () => {
      const cli = resolve('dist/cli.js');
      if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run node scripts/build.mjs');
      const a = probsCsv('cli-a.csv', 6 * MiB, 1);
      const b = probsCsv('cli-b.csv', 4 * MiB, 2);
      const path = join(dir, 'cli.csv');
      copyFileSync(a, path);
      await rewriteForever(path, a, b);
      const r = spawnSync(process.execPath, [cli, 'cli.csv', '--json', '--no-progress'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0]!.startsWith('cli.csv: '), lines[0]);
      assert.match(lines[0]!.slice('cli.csv: '.length), CHANGED_LINE);
    });

    it("the extension's file worker rejects with a FileChangedError rebuilt on this side", async () => {
      const workerScript = resolve('dist/file-worker.js');
      if (!existsSync(workerScript)) throw new Error('dist/file-worker.js is missing: run node scripts/build.mjs');
      const a = probsCsv('fw-a.csv', 6 * MiB, 3);
      const b = probsCsv('fw-b.csv', 4 * MiB, 4);
      const path = join(dir, 'fw.csv');
      copyFileSync(a, path);
      await rewriteForever(path, a, b);
      const err = await changeOf(runInWorker({ op: 'analyze', file: { path, name: 'fw.csv', request } }, { workerScript }));
      assert.equal(err.file, 'fw.csv');
      assert.match(err.message, CHANGED_LINE);
    });
  });

  describe('the browser build: a streamed file that is not the size the host saw', () => {
    let server: Server;
    let base = '';
    const body = Buffer.from('label,p0,p1\n0,0.9,0.1\n1,0.2,0.8\n');
    before(async () => {
      server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/csv' });
        res.end(body);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => server.close());

    async function readAll(size: number): Promise<number> {
      let n = 0;
      for await (const c of fetchSource('web.csv', { url: `${base}/web.csv`, size, gzip: false, mtimeMs: 0 }).chunks()) n += c.length;
      return n;
    }

    it('reads it when the sizes agree, and throws a FileChangedError when they do not', async () => {
      assert.equal(await readAll(body.length), body.length);
      const err = await changeOf(readAll(body.length + 100));
      assert.equal(err.before.size, body.length + 100);
      assert.equal(err.after?.size, body.length);
    });
  });

  describe('the dashboard while the file is being written', () => {
    afterEach(closeWindows);

    it('replaces the numbers by the wait, then by the message with a Retry (no problems listed)', async () => {
      const h = harness();
      h.dashboard.handle({ type: 'data', data: dataOf(await reportOf('samples/digits.csv')) });
      assert.ok(h.root.querySelector('[data-testid="mean-loss"]'));
      h.send({ type: 'writing', label: 'preds.csv', message: 'The file changed while it was read (10 -> 4 bytes, modified 14:02:03.512).', waiting: true });
      assert.equal(h.root.querySelector('[data-testid="mean-loss"]'), null, 'a number is still shown');
      assert.equal(h.root.querySelector('[data-testid="dashboard-ready"]'), null);
      const card = q(h.root, '[data-testid="writing"]');
      assert.equal(card.getAttribute('aria-busy'), 'true');
      assert.match(card.textContent ?? '', /Waiting for preds\.csv to be written/);
      assert.equal(card.querySelector('button'), null);
      h.send({ type: 'writing', label: 'preds.csv', message: 'the file changed again while it was read a second time (4 -> 8 bytes)', waiting: false });
      assert.match(q(h.root, '[data-testid="writing"] h2').textContent ?? '', /preds\.csv is still being written/);
      assert.equal(q(h.root, '[data-testid="writing-message"]').textContent, 'the file changed again while it was read a second time (4 -> 8 bytes)');
      assert.equal(h.root.querySelector('[data-testid="problems"]'), null);
      (q(h.root, '[data-testid="writing"] button') as HTMLElement).click();
      assert.deepEqual(h.posted.at(-1), { type: 'command', command: 'refresh' });
    });
  });

  describe('the extension: wait until the file is quiet, then read it once more', () => {
    /** A clock that only moves when slept on. */
    function fakeClock(): Clock & { t: number } {
      const clock = {
        t: 0,
        now: () => clock.t,
        sleep: async (ms: number, signal?: AbortSignal) => {
          if (signal?.aborted) throw new CancelledError();
          clock.t += ms;
        },
      };
      return clock;
    }
    const change = new FileChangedError('preds.csv', { size: 100, mtimeMs: 1 }, { size: 50, mtimeMs: 2 });

    it('waits until the stamp has not changed for the quiet time', async () => {
      const clock = fakeClock();
      // The writer goes on until t = 900, then stops.
      const stamp = async () => ({ size: Math.min(clock.t, 900), mtimeMs: Math.min(clock.t, 900) });
      assert.equal(await waitUntilQuiet(stamp, { clock, quietMs: 1000, pollMs: 100, capMs: 30_000 }), true);
      assert.ok(clock.t >= 1900 && clock.t <= 2000, String(clock.t));
    });

    it('gives up at the cap when the file never stops changing, and stops when cancelled', async () => {
      const clock = fakeClock();
      const always = async () => clock.t;
      assert.equal(await waitUntilQuiet(always, { clock, quietMs: 1000, pollMs: 200, capMs: 5000 }), false);
      assert.ok(clock.t >= 5000 && clock.t < 5400, String(clock.t));
      // A stamp that fails (the file gone for a while) is a value like any other.
      let calls = 0;
      const gone = async () => {
        if (++calls < 3) return 1;
        throw new Error('ENOENT');
      };
      assert.equal(await waitUntilQuiet(gone, { clock: fakeClock(), quietMs: 1000, pollMs: 200 }), true);
      const stop = new AbortController();
      stop.abort();
      await assert.rejects(waitUntilQuiet(always, { clock, signal: stop.signal }), CancelledError);
    });

    it('reads once more after a change, saying it waits; a second change is reported as such', async () => {
      const clock = fakeClock();
      const events: string[] = [];
      let reads = 0;
      const settled = await readSettled(
        async () => {
          reads++;
          if (reads === 1) throw change;
          return 'numbers';
        },
        {
          clock,
          stamp: async () => 'same',
          onWaiting: (c) => {
            events.push(`waiting ${c.file} at ${clock.t}`);
            return () => events.push(`waited until ${clock.t}`);
          },
        },
      );
      assert.equal(settled, 'numbers');
      assert.equal(reads, 2);
      assert.deepEqual(events, ['waiting preds.csv at 0', 'waited until 1000']);

      reads = 0;
      const again = await changeOf(
        readSettled(
          async () => {
            reads++;
            throw change;
          },
          { clock: fakeClock(), stamp: async () => 'same' },
        ),
      );
      assert.equal(reads, 2, 'read more than twice');
      assert.equal(again.phase, 'again');
      assert.match(again.message, /^the file changed again while it was read a second time \(100 -> 50 bytes/);
    });

    it('passes any other failure through at once, and a cancelled wait as a cancel', async () => {
      let reads = 0;
      const bad = new AnalysisError('preds.csv', [], 1);
      await assert.rejects(
        readSettled(
          async () => {
            reads++;
            throw bad;
          },
          { clock: fakeClock(), stamp: async () => 'same' },
        ),
        (e: unknown) => e === bad,
      );
      assert.equal(reads, 1);
      const stop = new AbortController();
      stop.abort();
      await assert.rejects(
        readSettled(
          async () => {
            throw change;
          },
          { clock: fakeClock(), stamp: async () => 'same', signal: stop.signal },
        ),
        CancelledError,
      );
    });
  });
});
