/**
 * `--json --label-issues` at 1000 classes: the joint goes as its cells that are not 0 (at most one
 * counted cell a row), not as two dense 1000 x 1000 matrices (33 MB of indented JSON before), and
 * the cells rebuild the joint a script needs: counts summing to the confident rows, calibrated
 * rows summing to each class's label count.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A .npy file (format 1.0): a little-endian float32 (N, K) or int64 (N,) array. */
function npy(data: Float32Array | BigInt64Array, shape: number[]): Buffer {
  const descr = data instanceof Float32Array ? '<f4' : '<i8';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

interface Joint {
  classes: number;
  columns: string[];
  cells: [number, number, number, number][];
}

describe('--json --label-issues at 1000 classes', function () {
  this.timeout(120_000);

  it('carries the joint as its cells that are not 0: a few hundred KB, not 33 MB, and they rebuild the joint', () => {
    assert.ok(existsSync('dist/cli.js'), 'dist/cli.js is missing: run npm run build');
    const K = 1000;
    const N = 4000;
    // A fixed LCG: logits of noise, the given class raised on most rows and another class on the rest (label errors).
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const logits = new Float32Array(N * K);
    const labels = new BigInt64Array(N);
    for (let i = 0; i < N; i++) {
      const y = i % K;
      labels[i] = BigInt(y);
      for (let k = 0; k < K; k++) logits[i * K + k] = 2 * rand();
      logits[i * K + (rand() < 0.85 ? y : Math.floor(rand() * K))]! += 9;
    }
    const dir = mkdtempSync(join(tmpdir(), 'll-issues-1000-'));
    writeFileSync(join(dir, 'logits.npy'), npy(logits, [N, K]));
    writeFileSync(join(dir, 'labels.npy'), npy(labels, [N]));

    const r = spawnSync(process.execPath, ['dist/cli.js', join(dir, 'logits.npy'), '--json', '--label-issues', '--no-progress'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(r.status, 0, r.stderr);
    const bytes = Buffer.byteLength(r.stdout);
    const report = JSON.parse(r.stdout) as { confusion: unknown; diagnostics: { results: { labelIssues: { joint: Joint; rows: number; unconfident: number; labelCounts: number[]; issueCount: number } } } };
    const issues = report.diagnostics.results.labelIssues;
    const { joint } = issues;
    assert.equal(joint.classes, K);
    assert.deepEqual(joint.columns, ['given', 'confident', 'count', 'calibrated']);
    // At most one counted cell a row, plus Q's diagonal: far fewer than K x K.
    assert.ok(joint.cells.length <= N + K, `${joint.cells.length} cells`);
    assert.equal(joint.cells.reduce((s, c) => s + c[2], 0), issues.rows - issues.unconfident);
    const calibrated = new Float64Array(K);
    for (const [i, , , q] of joint.cells) calibrated[i]! += q;
    calibrated.forEach((q, i) => assert.ok(Math.abs(q - issues.labelCounts[i]!) < 1e-9, `class ${i}: ${q} vs ${issues.labelCounts[i]}`));
    assert.ok(issues.issueCount > 400 && issues.issueCount < 800, `${issues.issueCount} flagged of ~600 moved`);
    // The label-issue part of the report (the confusion matrix is the report's own, 1000 rows of 1000).
    const part = Buffer.byteLength(JSON.stringify(issues, null, 2));
    assert.ok(part < 2_000_000, `label issues take ${part} bytes`);
    assert.ok(bytes < 12_000_000, `the whole --json report is ${bytes} bytes`);
    console.log(`      1000 classes x ${N} rows: --json ${(bytes / 1e6).toFixed(2)} MB, of which label issues ${(part / 1e6).toFixed(2)} MB (${joint.cells.length} joint cells)`);
  });
});
