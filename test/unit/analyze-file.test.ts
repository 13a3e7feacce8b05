/**
 * analyzeFile's worker path (dist/worker.js, built by `node scripts/build.mjs` before the unit
 * tests): workers booted while the layout is inferred, byte ranges, typed states moved back.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { analyze, type AnalysisRequest } from '../../src/core/analyze';
import { MIN_SPLIT_BYTES } from '../../src/core/parse';
import { analyzeFile } from '../../src/node/analyze-file';
import { fileSource } from '../../src/node/file-source';

const workerScript = resolve('dist/worker.js');
const request: AnalysisRequest = {
  loss: { preset: 'classic', labelSmoothing: 0, reduction: 'mean', base: 'e' },
  overrides: {},
  skipInvalid: false,
  topK: 10,
  calibrationBins: 15,
};

/** A CSV just over the split threshold: 5 classes of logits, labels and values from a fixed recurrence. */
function bigCsv(dir: string): string {
  const lines = ['label,z0,z1,z2,z3,z4'];
  let bytes = 0;
  let x = 12345;
  for (let i = 0; bytes < MIN_SPLIT_BYTES + 200_000; i++) {
    const z: string[] = [];
    for (let k = 0; k < 5; k++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      z.push(((x / 2147483648) * 8 - 4).toFixed(6));
    }
    const line = `${i % 5},${z.join(',')}`;
    lines.push(line);
    bytes += line.length + 1;
  }
  const path = join(dir, 'big.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('analyzeFile: worker threads', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'll-af-'));
  let path = '';
  before(function () {
    if (!existsSync(workerScript)) throw new Error('dist/worker.js is missing: run node scripts/build.mjs');
    path = bigCsv(dir);
  });

  it('two workers give the one-pass analysis: counts, confusion and worst rows exactly, the mean to 1e-12', async () => {
    const one = await analyze(await fileSource(path), request);
    const two = await analyzeFile(path, request, { threads: 2, workerScript });
    assert.ok(one.rows > 150_000, String(one.rows));
    assert.equal(two.rows, one.rows);
    assert.equal(two.breakdown.count, one.breakdown.count);
    assert.deepEqual(two.breakdown.confusion, one.breakdown.confusion);
    assert.deepEqual(two.breakdown.histogram, one.breakdown.histogram);
    assert.deepEqual(two.breakdown.worst, one.breakdown.worst);
    assert.ok(Math.abs(two.value - one.value) <= 1e-12 * one.value, `${two.value} vs ${one.value}`);
    assert.ok(Math.abs(two.breakdown.meanEntropy - one.breakdown.meanEntropy) <= 1e-12);
  });

  it('lets the workers it booted go when the layout cannot be inferred (the process exits)', () => {
    const bad = join(dir, 'numbers.csv');
    // No header, and neither end column holds class indices: no label to guess.
    writeFileSync(bad, '7,2,3\n'.repeat(Math.ceil((MIN_SPLIT_BYTES + 10) / 6)));
    // A worker left running keeps its process alive: run the failing call in a child and time it out.
    const code = `
      const { analyzeFile } = require(${JSON.stringify(resolve('src/node/analyze-file.ts'))});
      analyzeFile(${JSON.stringify(bad)}, ${JSON.stringify(request)}, { threads: 2, workerScript: ${JSON.stringify(workerScript)} })
        .then(() => console.log('resolved'), (e) => console.log(e.name));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.signal, null, 'the child hung: a worker was left running');
    assert.equal(r.stdout.trim(), 'AnalysisError', r.stderr);
  });
});
