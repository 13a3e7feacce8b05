/**
 * Loss Lens on Dask (issue 13): scripts/dask/run_shards.py starts a LocalCluster of two worker
 * processes, maps `node dist/cli.js SHARD --state-out ...` over the shards with client.map and
 * merges the states on the driver with `loss-lens merge`. The merged report must be that of one
 * read of the concatenated data. Needs Dask's `distributed` (Debian: python3-distributed); where no
 * python3 imports it the test is skipped, saying why (a skip, never a pass).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI = resolve('dist/cli.js');
const SCRIPT = resolve('scripts/dask/run_shards.py');

/** Debian's python3 first: a python3 earlier on PATH (pyenv, a venv) may lack Debian's packages. */
function pythonWithDask(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['-c', 'import distributed'], { encoding: 'utf8' });
    if (r.status === 0) return python;
  }
  return undefined;
}

/** Rows of 4-class logits and labels from a fixed recurrence, as JSONL lines. */
function lines(n: number, seed: number): string[] {
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  return Array.from({ length: n }, () => {
    const y = Math.floor(next() * 4);
    const z = [0, 1, 2, 3].map(() => (next() * 10 - 5).toFixed(5));
    return `{"y_true": ${y}, "logits": [${z.join(', ')}]}`;
  });
}

function close(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(b), 1e-300), `${what}: ${a} vs ${b}`);
}

/** Reports alike: numbers to a relative 1e-12 (sums merged in another grouping), all else exactly. */
function sameReport(actual: unknown, expected: unknown, path = 'report'): void {
  if (typeof actual === 'number' && typeof expected === 'number') {
    if (!Object.is(actual, expected)) close(actual, expected, path);
    return;
  }
  if (typeof actual !== 'object' || actual === null || typeof expected !== 'object' || expected === null) {
    assert.deepEqual(actual, expected, path);
    return;
  }
  assert.deepEqual(Object.keys(actual), Object.keys(expected), `${path}: keys`);
  for (const k of Object.keys(expected)) sameReport((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}.${k}`);
}

describe('Dask: a LocalCluster of 2 workers maps the CLI over shards, the driver merges', function () {
  this.timeout(180_000);
  let python: string | undefined;

  before(function () {
    python = pythonWithDask();
    if (python === undefined) {
      console.log('    Dask test SKIPPED: no python3 here imports distributed (apt-get install -y python3-distributed; .ci/run installs it)');
      this.skip();
    }
    assert.ok(existsSync(CLI), 'dist/cli.js is missing: run node scripts/build.mjs');
  });

  it('the merged report equals one pass over the concatenated data, and one read of the shards', () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-dask-'));
    const sizes = [1200, 500, 2000, 800];
    const shards = sizes.map((n, i) => {
      const path = join(dir, `predictions_rank${i}.jsonl`);
      writeFileSync(path, lines(n, 31 + 7 * i).join('\n') + '\n');
      return path;
    });
    writeFileSync(join(dir, 'all.jsonl'), sizes.map((n, i) => lines(n, 31 + 7 * i).join('\n')).join('\n') + '\n');

    const run = spawnSync(python!, [SCRIPT, '--json', '--node', process.execPath, '--cli', CLI, '--states', join(dir, 'states'), ...shards, '--', '--top', '20'], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    assert.equal(run.status, 0, run.stderr);
    const dask = JSON.parse(run.stdout);
    const one = JSON.parse(spawnSync(process.execPath, [CLI, join(dir, 'all.jsonl'), '--top', '20', '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout);
    const set = JSON.parse(spawnSync(process.execPath, [CLI, join(dir, 'predictions_rank*.jsonl'), '--top', '20', '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout);

    // One pass over the concatenated file: the same numbers.
    assert.equal(dask.count, 4500);
    assert.equal(dask.count, one.count);
    close(dask.mean, one.mean, 'mean');
    close(dask.sum, one.sum, 'sum');
    close(dask.ece, one.ece, 'ece');
    assert.equal(dask.accuracy, one.accuracy);
    assert.deepEqual(dask.confusion, one.confusion);
    assert.deepEqual(dask.histogram, one.histogram);
    dask.perClass.forEach((c: Record<string, number>, k: number) => {
      for (const key of ['support', 'meanLoss', 'share', 'precision', 'recall', 'f1', 'meanConfidence', 'meanTrueProb']) close(c[key]!, one.perClass[k][key], `class ${k} ${key}`);
    });
    dask.calibration.bins.forEach((b: Record<string, number>, i: number) => assert.equal(b.count, one.calibration.bins[i].count, `bin ${i}`));
    // The worst samples: the same losses, each named by its shard and own row.
    const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
    assert.equal(dask.worst.length, 20);
    dask.worst.forEach((w: { file: string; row: number; line: number; loss: number }, i: number) => {
      const at = shards.indexOf(w.file);
      assert.ok(at >= 0, w.file);
      assert.deepEqual([starts[at]! + w.row, w.loss, w.line], [one.worst[i].row, one.worst[i].loss, w.row + 1]);
    });
    // One read of the shards by the CLI itself: the same report.
    assert.deepEqual(dask.files, set.files);
    assert.deepEqual(dask.worst, set.worst);
    sameReport(dask, set);
  });
});
