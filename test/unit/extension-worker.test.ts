import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { AnalysisError } from '../../src/core/analyze';
import { CancelledError, runInWorker } from '../../src/node/analyze-in-worker';
import { topChanged, type SampleLosses } from '../../src/node/per-sample';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';

// The bundle the extension starts: `npm test` builds before the unit tests.
const workerScript = resolve('dist/file-worker.js');
const request = requestFor(DEFAULT_CONFIG, {});
const dir = mkdtempSync(join(tmpdir(), 'loss-lens-worker-'));

function cli(...args: string[]): string {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** Loss by row from the CLI's --per-sample file: an independent read of the same file. */
function cliLosses(file: string): Map<number, { line: number; loss: number }> {
  const out = join(dir, 'per-sample.csv');
  cli(file, '--per-sample', out);
  const rows = readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  return new Map(rows.map((r) => [Number(r[0]), { line: Number(r[1]), loss: Number(r[2]) }]));
}

function bruteChanged(a: SampleLosses, b: SampleLosses, n: number) {
  const all = [];
  for (let row = 0; row < Math.min(a.loss.length, b.loss.length); row++) {
    const before = a.loss[row] as number;
    const after = b.loss[row] as number;
    const d = before === after ? 0 : Math.abs(after - before);
    if (d > 0) all.push({ row, d, line: a.line[row] as number, before, after });
  }
  all.sort((x, y) => y.d - x.d || x.row - y.row);
  return all.slice(0, n).map(({ row, line, before, after }) => ({ row, line, before, after }));
}

describe('the extension file worker', function () {
  it('topChanged ranks like a full sort (infinite and missing losses included)', () => {
    const loss = fc.oneof(fc.double({ min: 0, max: 50, noNaN: true }), fc.constantFrom(Infinity, NaN, 0, 1));
    fc.assert(
      fc.property(fc.array(fc.tuple(loss, loss), { maxLength: 60 }), fc.integer({ min: 0, max: 10 }), (pairs, n) => {
        const a = { loss: Float64Array.from(pairs.map((p) => p[0])), line: Float64Array.from(pairs.map((_, i) => i + 2)) };
        const b = { loss: Float64Array.from(pairs.map((p) => p[1])), line: Float64Array.from(pairs.map((_, i) => i + 2)) };
        assert.deepEqual(topChanged(a, b, n), bruteChanged(a, b, n));
      }),
    );
  });

  it('analyses a file on a worker thread to the value the CLI prints', async () => {
    const r = await runInWorker({ op: 'analyze', file: { path: 'samples/digits.csv', name: 'digits.csv', request } }, { workerScript });
    assert.equal(r.analysis.value, JSON.parse(cli('samples/digits.csv', '--json')).value);
    assert.equal(r.analysis.file, 'digits.csv');
  });

  it('compares two epochs: the samples whose loss changed most, as the CLI per-sample losses give them', async () => {
    const lines = readFileSync('samples/binary.csv', 'utf8').split('\n');
    // "Epoch 2": three rows predicted differently (header is line 1, row r is line r + 2).
    const edited = lines.map((l, i) => (i === 11 ? l.replace(/,[^,]*$/, ',0.5') : i === 101 ? l.replace(/,[^,]*$/, ',0.01') : i === 301 ? l.replace(/,[^,]*$/, ',0.999') : l));
    const other = join(dir, 'epoch2.csv');
    writeFileSync(other, edited.join('\n'));
    const r = await runInWorker(
      { op: 'compare', base: { path: 'samples/binary.csv', name: 'a', request }, other: { path: other, name: 'b', request }, topN: 5 },
      { workerScript },
    );
    const a = cliLosses('samples/binary.csv');
    const b = cliLosses(other);
    const toLosses = (m: Map<number, { line: number; loss: number }>) => ({
      loss: Float64Array.from([...m.keys()].sort((x, y) => x - y).map((k) => m.get(k)?.loss ?? NaN)),
      line: Float64Array.from([...m.keys()].sort((x, y) => x - y).map((k) => m.get(k)?.line ?? 0)),
    });
    const expected = bruteChanged(toLosses(a), toLosses(b), 5);
    assert.equal(expected.length, 3);
    assert.deepEqual(r.changed.map((c) => c.row).sort((x, y) => x - y), [10, 100, 300]);
    assert.deepEqual(r.changed, expected);
    assert.equal(r.base.rows, 569);
  });

  it('compares by id: b.csv shuffled gives the statistics and the samples that changed most of b.csv in order', async () => {
    const compare = (other: string) =>
      runInWorker({ op: 'compare', base: { path: 'test/fixtures/compare/a.csv', name: 'a.csv', request }, other: { path: `test/fixtures/compare/${other}`, name: 'b.csv', request }, topN: 10 }, { workerScript });
    const inOrder = await compare('b.csv');
    const shuffled = await compare('b_shuffled.csv');
    assert.ok('stats' in inOrder.outcome && 'stats' in shuffled.outcome);
    assert.equal(shuffled.outcome.stats.match.by, 'id');
    assert.deepEqual(shuffled.outcome.stats.mean, inOrder.outcome.stats.mean);
    assert.deepEqual(shuffled.outcome.stats.correctness, inOrder.outcome.stats.correctness);
    // Rows and lines are a.csv's, so the same samples whatever the order of b's rows.
    assert.equal(shuffled.changed.length, 10);
    assert.deepEqual(shuffled.changed, inOrder.changed);
  });

  it('writes per-sample losses exactly as the CLI --per-sample does', async () => {
    const out = join(dir, 'ours.csv');
    const r = await runInWorker({ op: 'perSampleCsv', file: { path: 'samples/digits.csv', name: 'd', request }, out }, { workerScript });
    const theirs = join(dir, 'cli.csv');
    cli('samples/digits.csv', '--per-sample', theirs);
    assert.equal(readFileSync(out, 'utf8'), readFileSync(theirs, 'utf8'));
    assert.equal(r.rows, 899);
  });

  it('reads an array with the labels file chosen for it (two files selected together), and says so', async () => {
    // Names that pair with nothing: only the choice makes b.npy the labels of a.npy.
    const chosen = mkdtempSync(join(tmpdir(), 'loss-lens-chosen-'));
    copyFileSync('test/fixtures/binary/pair_digits/logits.npy', join(chosen, 'a.npy'));
    copyFileSync('test/fixtures/binary/pair_digits/labels.npy', join(chosen, 'b.npy'));
    const labels = { path: join(chosen, 'b.npy'), name: 'chosen/b.npy', found: false };
    const r = await runInWorker({ op: 'analyze', file: { path: join(chosen, 'a.npy'), name: 'chosen/a.npy', request, labels } }, { workerScript });
    const reference = JSON.parse(cli(join(chosen, 'a.npy'), '--labels', join(chosen, 'b.npy'), '--json')) as { mean: number; count: number };
    assert.equal(r.analysis.breakdown.mean, reference.mean);
    assert.equal(r.analysis.breakdown.count, 300);
    assert.equal(r.analysis.layout.evidence[1], "b.npy holds the labels of a.npy's rows (the two were chosen together)");
    // A row's derivation takes its label from the chosen file too.
    const worst = r.analysis.breakdown.worst[0]!;
    const hit = await runInWorker({ op: 'sample', path: join(chosen, 'a.npy'), name: 'chosen/a.npy', layout: r.analysis.layout, line: worst.line, row: worst.row, labels }, { workerScript });
    assert.equal(hit.hit?.sample.target, worst.trueClass);
    // Without the choice a.npy has no labels: refused, not read as something else.
    await assert.rejects(runInWorker({ op: 'analyze', file: { path: join(chosen, 'a.npy'), name: 'chosen/a.npy', request } }, { workerScript }));
  });

  it('reports located problems as an AnalysisError', async () => {
    const err = await runInWorker({ op: 'analyze', file: { path: 'samples/problems.csv', name: 'problems.csv', request } }, { workerScript }).then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof AnalysisError);
    assert.equal(err.file, 'problems.csv');
    assert.equal(err.problems[0]?.line, 4);
  });

  it('infers the layout for the columns picker', async () => {
    const r = await runInWorker({ op: 'layout', path: 'samples/digits.csv', name: 'd', overrides: {} }, { workerScript });
    assert.equal(r.layout.labelColumn, 'label');
    assert.equal(r.layout.predictionColumns.length, 10);
  });

  it('stops on cancel with a CancelledError, reporting progress until then', async () => {
    const big = join(dir, 'big.csv');
    writeFileSync(big, 'y,p\n' + '1,0.73\n0,0.21\n'.repeat(400_000));
    const controller = new AbortController();
    const fractions: (number | null)[] = [];
    const started = Date.now();
    const run = runInWorker(
      { op: 'analyze', file: { path: big, name: 'big.csv', request } },
      {
        workerScript,
        signal: controller.signal,
        onProgress: (f) => {
          fractions.push(f);
          controller.abort();
        },
      },
    );
    await assert.rejects(run, CancelledError);
    assert.ok(fractions.length >= 1 && (fractions[0] as number) > 0 && (fractions[0] as number) < 1, String(fractions));
    assert.ok(Date.now() - started < 3000);
  });
});
