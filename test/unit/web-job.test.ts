import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { PresetName } from '../../src/core/types';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';
import { reportJson } from '../../src/core/report-json';
import { runInWorker } from '../../src/node/analyze-in-worker';
import type { WorkerJob } from '../../src/node/file-worker';
import { createJobHandler, pathsOf, type WebWorkerMessage } from '../../src/web/job';

// The bundled CLI, as users run it: `npm test` builds before the unit tests.
const CLI = 'dist/cli.js';

function cliJson(file: string, ...args: string[]): unknown {
  assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build`);
  const r = spawnSync(process.execPath, [CLI, file, '--json', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** What the extension asks for a file with the given default preset (the CLI's defaults otherwise). */
function requestOf(preset: PresetName = 'classic') {
  return requestFor({ ...DEFAULT_CONFIG, defaultPreset: preset }, {});
}

/** Runs one job through the Web Worker's message handler, as the worker would, collecting what it posts. */
async function post(job: WorkerJob, files: Record<string, ArrayBuffer>, cancelFirst = false): Promise<WebWorkerMessage[]> {
  const posted: WebWorkerMessage[] = [];
  let t = 0;
  // Cloned with its transfer list, as postMessage does: a transferred buffer must not be used after.
  const handle = createJobHandler((m, transfer) => posted.push(structuredClone(m, { transfer: transfer ?? [] })), () => (t += 1000));
  const running = handle({ type: 'job', job, files });
  if (cancelFirst) await handle('cancel');
  await running;
  return posted;
}

/** A copy holding exactly the file (a small Buffer is a view into Node's shared pool; Buffer#slice does not copy). */
function bufferOf(bytes: Uint8Array): ArrayBuffer {
  return Uint8Array.prototype.slice.call(bytes).buffer as ArrayBuffer;
}

describe('web worker job (browser build)', () => {
  const digits = bufferOf(readFileSync('samples/digits.csv'));

  it('reports the same numbers as the CLI --json for samples/digits.csv', async () => {
    const request = requestOf();
    const posted = await post({ op: 'analyze', file: { path: 'memory:/digits', name: 'samples/digits.csv', request } }, { 'memory:/digits': digits });
    const last = posted.at(-1);
    assert.ok(last?.type === 'done' && last.result.op === 'analyze', JSON.stringify(last));
    assert.deepEqual(JSON.parse(JSON.stringify(reportJson(last.result.analysis))), cliJson('samples/digits.csv'));
  });

  it('reports progress as a growing fraction of the file (one report per MiB read)', async () => {
    const [header, ...rows] = readFileSync('samples/digits.csv', 'utf8').trimEnd().split('\n');
    const body = rows.join('\n') + '\n';
    const big = new TextEncoder().encode(`${header}\n${body.repeat(30)}`);
    const posted = await post({ op: 'analyze', file: { path: 'b', name: 'big.csv', request: requestOf() } }, { b: bufferOf(big) });
    const last = posted.at(-1);
    assert.ok(last?.type === 'done' && last.result.op === 'analyze');
    assert.equal(last.result.analysis.breakdown.count, 30 * rows.length);
    const progress = posted.filter((m) => m.type === 'progress').map((m) => m.fraction ?? NaN);
    // 3.3 MB read: a report after each of the first three MiB.
    assert.equal(progress.length, Math.floor(big.length / (1 << 20)), `progress ${progress.join(',')}`);
    assert.ok(progress.every((f, i) => f > 0 && f <= 1 && (i === 0 || f > (progress[i - 1] as number))), `progress ${progress.join(',')}`);
  });

  it('finds the sample starting on a line, for the derivation panel', async () => {
    const layout = await post({ op: 'layout', path: 'd', name: 'digits.csv', overrides: {} }, { d: digits });
    const l = layout.at(-1);
    assert.ok(l?.type === 'done' && l.result.op === 'layout');
    const posted = await post({ op: 'sample', path: 'd', name: 'digits.csv', layout: l.result.layout, line: 3 }, { d: digits });
    const hit = posted.at(-1);
    assert.ok(hit?.type === 'done' && hit.result.op === 'sample' && hit.result.hit);
    // Line 3 of samples/digits.csv: digit-0003, label "two", prob_two 0.0872669.
    assert.equal(hit.result.hit.row, 1);
    assert.equal(hit.result.hit.sample.target, 2);
    assert.equal(hit.result.hit.sample.prediction[2], 0.0872669);
  });

  it('inflates a gzip file as the desktop does (same report as the CLI on the plain file, pytorch preset)', async () => {
    const request = requestOf('pytorch');
    const gz = bufferOf(gzipSync(readFileSync('samples/binary.csv')));
    const posted = await post({ op: 'analyze', file: { path: 'p', name: 'samples/binary.csv', request } }, { p: gz });
    const last = posted.at(-1);
    assert.ok(last?.type === 'done' && last.result.op === 'analyze', JSON.stringify(last));
    assert.deepEqual(JSON.parse(JSON.stringify(reportJson(last.result.analysis))), cliJson('samples/binary.csv', '--preset', 'pytorch'));
  });

  it('reads the layout, and compares two files sample by sample', async () => {
    const layout = await post({ op: 'layout', path: 'd', name: 'digits.csv', overrides: {} }, { d: digits });
    const l = layout.at(-1);
    assert.ok(l?.type === 'done' && l.result.op === 'layout');
    assert.equal(l.result.layout.numClasses, 10);
    assert.equal(l.result.layout.labelColumn, 'label');

    const request = requestOf();
    const keras = requestOf('keras');
    const cmp = await post(
      { op: 'compare', base: { path: 'd', name: 'a', request }, other: { path: 'd', name: 'b', request: keras }, topN: 3 },
      { d: digits },
    );
    const c = cmp.at(-1);
    assert.ok(c?.type === 'done' && c.result.op === 'compare');
    assert.equal(c.result.base.breakdown.mean, (cliJson('samples/digits.csv') as { mean: number }).mean);
    assert.equal(c.result.other.breakdown.mean, (cliJson('samples/digits.csv', '--preset', 'keras') as { mean: number }).mean);
    assert.ok(c.result.changed.length <= 3);
  });

  it('reports a file with problems as an analysis failure, and a cancel as cancelled', async () => {
    const request = requestOf();
    const bad = await post({ op: 'analyze', file: { path: 'x', name: 'problems.csv', request } }, { x: bufferOf(readFileSync('samples/problems.csv')) });
    const b = bad.at(-1);
    assert.ok(b?.type === 'failed' && b.failure.kind === 'analysis', JSON.stringify(b));
    assert.equal(b.failure.file, 'problems.csv');
    assert.ok(b.failure.problems.length > 0);

    const cancelled = await post({ op: 'analyze', file: { path: 'd', name: 'digits.csv', request: requestOf() } }, { d: digits }, true);
    assert.deepEqual(cancelled.at(-1), { type: 'failed', failure: { kind: 'cancelled' } });
  });

  for (const [file, preset] of [['digits.csv', 'classic'], ['multilabel.csv', 'pytorch'], ['hf_logits.jsonl', 'keras']] as const) {
    it(`exports per-sample losses of ${file} byte for byte as the desktop's file worker writes them (${preset})`, async function () {
      this.timeout(10_000);
      const request = requestOf(preset);
      const path = `samples/${file}`;
      const out = join(mkdtempSync(join(tmpdir(), 'loss-lens-web-csv-')), 'desktop.csv');
      // The desktop export: dist/file-worker.js (a Node worker thread) writes the file itself.
      const desktop = await runInWorker({ op: 'perSampleCsv', file: { path, name: file, request }, out }, { workerScript: resolve('dist/file-worker.js') });
      const posted = await post({ op: 'perSampleCsv', file: { path: 'memory:/f', name: file, request }, out: 'vscode-remote://h/x.csv' }, { 'memory:/f': bufferOf(readFileSync(path)) });
      const last = posted.at(-1);
      assert.ok(last?.type === 'done' && last.result.op === 'perSampleCsv' && last.output, JSON.stringify(last).slice(0, 300));
      const csv = new TextDecoder().decode(last.output);
      assert.equal(csv, readFileSync(out, 'utf8'));
      assert.equal(last.result.rows, desktop.rows);
      assert.equal(csv.trimEnd().split('\n').length, desktop.rows + 1);
      assert.equal(last.result.analysis.breakdown.mean, desktop.analysis.breakdown.mean);
    });
  }

  it('encodes a per-sample CSV of several MiB of text whole (chunks joined in order)', async function () {
    this.timeout(10_000);
    const [header, ...rows] = readFileSync('samples/digits.csv', 'utf8').trimEnd().split('\n');
    const big = new TextEncoder().encode(`${header}\n${(rows.join('\n') + '\n').repeat(200)}`);
    const posted = await post({ op: 'perSampleCsv', file: { path: 'b', name: 'big.csv', request: requestOf() }, out: 'x' }, { b: bufferOf(big) });
    const last = posted.at(-1);
    assert.ok(last?.type === 'done' && last.result.op === 'perSampleCsv' && last.output);
    const lines = new TextDecoder().decode(last.output).trimEnd().split('\n');
    assert.ok(last.output.byteLength > 3 << 20, `${last.output.byteLength} bytes: too small to span chunks`);
    assert.equal(lines.length, 200 * rows.length + 1);
    // Row numbers run 0..n-1 in order: no chunk lost, doubled or reordered.
    assert.ok(lines.slice(1).every((l, i) => l.startsWith(`${i},`)), 'rows out of order');
  });

  it('reads a folder of shards (FileJob.shards, listed by the host) as the CLI reads the folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loss-lens-web-shards-'));
    const [header, ...rows] = readFileSync('samples/digits.csv', 'utf8').trimEnd().split('\n');
    // Natural order: part_2 before part_10, as the CLI lists them (a plain sort would not).
    const parts = [{ name: 'part_2.csv', rows: rows.slice(0, 300) }, { name: 'part_10.csv', rows: rows.slice(300, 700) }, { name: 'part_11.csv', rows: rows.slice(700) }];
    for (const p of parts) writeFileSync(join(dir, p.name), [header, ...p.rows].join('\n') + '\n');
    const request = requestOf();
    const shards = parts.map((p) => ({ path: `memory:/${p.name}`, name: `${dir}/${p.name}` }));
    const files = Object.fromEntries(parts.map((p) => [`memory:/${p.name}`, bufferOf(readFileSync(join(dir, p.name)))]));
    const job: WorkerJob = { op: 'analyze', file: { path: 'memory:/', name: dir, request, shards } };
    assert.deepEqual(pathsOf(job), parts.map((p) => `memory:/${p.name}`), 'the files are read, not the folder');
    const posted = await post(job, files);
    const last = posted.at(-1);
    assert.ok(last?.type === 'done' && last.result.op === 'analyze', JSON.stringify(last));
    const report = JSON.parse(JSON.stringify(reportJson(last.result.analysis)));
    const reference = cliJson(dir) as { mean: number; count: number; files: { name: string; rows: number }[]; worst: { file: string; row: number }[] };
    assert.deepEqual(report, reference);
    assert.equal(reference.count, rows.length);
    assert.deepEqual(reference.files.map((f) => [f.name, f.rows]), [[`${dir}/part_2.csv`, 300], [`${dir}/part_10.csv`, 400], [`${dir}/part_11.csv`, rows.length - 700]]);
    // The mean over the folder is the mean over the one file they were cut from.
    assert.ok(Math.abs(reference.mean - (cliJson('samples/digits.csv') as { mean: number }).mean) < 1e-12);
  });

  it('refuses a folder whose files disagree on the layout, naming the file', async () => {
    const request = requestOf();
    const files = { 'memory:/a.csv': bufferOf(Buffer.from('label,p0,p1\n0,0.9,0.1\n1,0.2,0.8\n')), 'memory:/b.csv': bufferOf(Buffer.from('label,p0,p1,p2\n0,0.7,0.2,0.1\n')) };
    const shards = [{ path: 'memory:/a.csv', name: 'preds/a.csv' }, { path: 'memory:/b.csv', name: 'preds/b.csv' }];
    const posted = await post({ op: 'analyze', file: { path: 'memory:/', name: 'preds', request, shards } }, files);
    const last = posted.at(-1);
    assert.ok(last?.type === 'failed' && last.failure.kind === 'other', JSON.stringify(last));
    assert.match(last.failure.message, /^preds\/b\.csv: its layout differs from that of preds\/a\.csv \(/);
  });

  it('reads an array with the labels file chosen for it, as the desktop worker does, and says so', async () => {
    const request = requestOf();
    const files = {
      'memory:/a.npy': bufferOf(readFileSync('test/fixtures/binary/pair_digits/logits.npy')),
      'memory:/b.npy': bufferOf(readFileSync('test/fixtures/binary/pair_digits/labels.npy')),
    };
    const job: WorkerJob = { op: 'analyze', file: { path: 'memory:/a.npy', name: 'chosen/a.npy', request, labels: { path: 'memory:/b.npy', name: 'chosen/b.npy', found: false } } };
    assert.deepEqual(pathsOf(job), ['memory:/a.npy', 'memory:/b.npy']);
    const last = (await post(job, files)).at(-1);
    assert.ok(last?.type === 'done' && last.result.op === 'analyze', JSON.stringify(last));
    const reference = cliJson('test/fixtures/binary/pair_digits/logits.npy') as { mean: number };
    assert.equal(last.result.analysis.breakdown.mean, reference.mean);
    assert.equal(last.result.analysis.layout.evidence[1], "b.npy holds the labels of a.npy's rows (the two were chosen together)");
  });

  it('finds every file a job names, to read on the host', () => {
    const request = requestOf();
    assert.deepEqual(pathsOf({ op: 'compare', base: { path: 'a', name: 'a', request }, other: { path: 'b', name: 'b', request }, topN: 1 }), ['a', 'b']);
    assert.deepEqual(pathsOf({ op: 'layout', path: 'c', name: 'c', overrides: {} }), ['c']);
  });
});
