/** `loss-lens --temperature`: the text section and --json's diagnostics.results.temperature, against gen_temperature.py's SciPy values. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const CLI = 'dist/cli.js';
const reference = JSON.parse(readFileSync('test/fixtures/temperature/reference.json', 'utf8')) as { cases: { file: string; temperature: number; before: number; after: number }[] };
const over = reference.cases.find((c) => c.file === 'overconfident_ce.csv')!;

function run(...args: string[]) {
  assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build`);
  const r = spawnSync(process.execPath, [CLI, '--no-progress', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('loss-lens --temperature', () => {
  it('prints T*, the split and the fit in the text report', () => {
    const r = run('test/fixtures/temperature/overconfident_ce.csv', '--temperature');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\nCalibration versus refinement \(one temperature fitted on the file; the log loss without smoothing, weights or a focal term\)\n {2}T\* = 2\.458 \(logits divided by T; over-confident: T\* > 1 softens\)\n {2}log loss 1\.422 nats = 1\.077 refinement \(left at T\*\) \+ 0\.345 calibration \(24\.3%, removed by T\*\)\n/);
    assert.match(r.stdout, /\n {2}fit: Newton on 1\/T over all 3,000 rows in memory after one pass: \d+ iterations, converged/);
    assert.match(r.stdout, /\n {2}class {2}support {2}before {2}at T\* {2}calibration\n {2}0 {10}584 {3}1\.281 {2}1\.022 {7}0\.2595\n/);
  });

  it('carries the report under diagnostics.results.temperature in --json', () => {
    const r = run('test/fixtures/temperature/overconfident_ce.csv', '--temperature', '--json');
    assert.equal(r.code, 0, r.stderr);
    const t = JSON.parse(r.stdout).diagnostics.results.temperature;
    assert.ok(Math.abs(t.temperature - over.temperature) <= 1e-6 * over.temperature);
    assert.ok(Math.abs(t.before.loss - over.before) < 1e-12 && Math.abs(t.after.loss - over.after) < 1e-12);
    assert.equal(t.after.bins.length, 15);
  });

  it('says on stderr why a multi-label file has no temperature, and still reports', () => {
    const r = run('samples/multilabel.csv', '--temperature');
    assert.equal(r.code, 0);
    assert.match(r.stderr, /^loss-lens: --temperature: the temperature fit needs one given class per row: multi-label files are not covered yet/);
    assert.doesNotMatch(r.stdout, /Calibration versus refinement/);
  });

  it('is not run without the flag', () => {
    const r = run('test/fixtures/temperature/overconfident_ce.csv', '--json');
    assert.equal(JSON.parse(r.stdout).diagnostics, undefined);
  });
});
