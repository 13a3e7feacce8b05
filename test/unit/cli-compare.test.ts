/** `loss-lens compare A B`: its numbers (the fixture's NumPy and SciPy references), its gate's exit status, its refusals. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The bundled CLI, as a CI job runs it: build before these tests.
const CLI = 'dist/cli.js';
const A = 'test/fixtures/compare/a.csv';
const B = 'test/fixtures/compare/b.csv';
const ref = JSON.parse(readFileSync('test/fixtures/compare/reference.json', 'utf8')).files as {
  delta: number;
  mcnemarP: number;
  fixedLines: number[];
  brokenLines: number[];
  perClass: { name: string; delta: number }[];
};

function run(...args: string[]) {
  assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build`);
  const r = spawnSync(process.execPath, [CLI, 'compare', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const close = (x: number, y: number) => assert.ok(Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y)), `${x} != ${y}`);

describe('loss-lens compare', () => {
  it('--id-column a=NAME --id-column b=NAME: files naming their id column apart are matched by id, as files naming it alike', () => {
    // b_shuffled.csv's rows with its id column renamed to a name no inference takes for ids.
    const dir = mkdtempSync(join(tmpdir(), 'll-compare-'));
    const renamed = join(dir, 'b_renamed.csv');
    writeFileSync(renamed, readFileSync('test/fixtures/compare/b_shuffled.csv', 'utf8').replace(/^id,/, 'ref,'));
    const alike = JSON.parse(run(A, 'test/fixtures/compare/b_shuffled.csv', '--json').stdout).comparison;
    const r = run(A, renamed, '--json', '--id-column', 'a=id', '--id-column=b=ref');
    assert.equal(r.code, 0, r.stderr);
    const apart = JSON.parse(r.stdout).comparison;
    assert.deepEqual(apart.match, { ...alike.match, columnB: 'ref' });
    assert.equal(apart.matching, `Rows were matched by id, the column "id" of ${A} with "ref" of ${renamed}: 600 samples in both.`);
    // The same numbers and sentences, but for B's name.
    const named = (x: unknown) => JSON.stringify(x).replaceAll(renamed, 'test/fixtures/compare/b_shuffled.csv');
    for (const key of ['mean', 'correctness', 'perClass', 'fixed', 'broken']) assert.equal(named(apart[key]), JSON.stringify(alike[key]), key);
    close(apart.mean.delta, ref.delta);
    // B's alone named, A's inferred: the same.
    assert.equal(named(JSON.parse(run(A, renamed, '--json', '--id-column', 'b=ref').stdout).comparison.mean), JSON.stringify(alike.mean));
    // Without it, B has no id column: matched by order, the labels disagree at row 1.
    assert.match(run(A, renamed).stderr, /The labels disagree at row 1/);
    assert.match(run(A, renamed, '--id-column', 'id', '--id-column', 'b=ref').stderr, /--id-column id \(both files\) and --id-column a=\/b= \(each file\) contradict each other/);
    assert.match(run(A, renamed, '--match', 'order', '--id-column', 'b=ref').stderr, /--match order and --id-column contradict each other/);
    assert.match(run(A, renamed, '--id-column', 'b=').stderr, /--id-column b= expects a column name/);
  });

  it('--json: the difference, McNemar and the fixed samples as NumPy and SciPy give them; the gate passes', () => {
    const r = run(A, B, '--json', '--fail-if', 'delta.mean>0.01', '--fail-if', 'delta.class[cat].mean>0');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    close(out.comparison.mean.delta, ref.delta);
    close(out.comparison.correctness.p, ref.mcnemarP);
    assert.deepEqual(out.comparison.fixed.map((x: { lineA: number }) => x.lineA), ref.fixedLines);
    assert.equal(out.comparison.resamples, 2000);
    assert.equal(out.comparison.seed, 1);
    close(out.comparison.perClass[0].delta, ref.perClass[0]!.delta);
    assert.equal(out.gate.failed, false);
    assert.equal(out.a.file, A);
  });

  it('exits 1 naming the failed condition and its value', () => {
    const r = run(A, B, '--fail-if', 'delta.class[bird].mean>0.02', '--fail-if', 'delta.mean>0.01');
    assert.equal(r.code, 1);
    const bird = ref.perClass[2]!.delta;
    assert.equal(r.stderr, `loss-lens compare: failed: delta.class[bird].mean > 0.02 (delta.class[bird].mean = ${Number(bird.toPrecision(4))})\n`);
    assert.match(r.stdout, /^Loss Lens compare: A = .*a\.csv, B = .*b\.csv/);
  });

  it('--format markdown: the gate table first, then the comparison', () => {
    const r = run(A, B, '--format', 'markdown', '--fail-if', 'delta.broken>10');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^# Loss Lens gate: failed\n/);
    assert.match(r.stdout, /\| `delta.broken > 10` \| 23 \| failed \|/);
    assert.match(r.stdout, /# Loss Lens compare: .*a\.csv → .*b\.csv/);
    assert.match(r.stdout, /\| dog \| 200 \| .* \| within noise \|/);
  });

  it('matches by the id column: b_shuffled.csv (b.csv shuffled) gives the JSON of b.csv but for the lines in B', () => {
    const inOrder = JSON.parse(run(A, B, '--json', '--no-progress').stdout);
    const r = run(A, 'test/fixtures/compare/b_shuffled.csv', '--json', '--no-progress');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.comparison.match, { by: 'id', column: 'id', shared: 600, onlyA: { count: 0, first: null }, onlyB: { count: 0, first: null } });
    assert.deepEqual(out.comparison.mean.interval, inOrder.comparison.mean.interval);
    assert.equal(out.comparison.correctness.p, inOrder.comparison.correctness.p);
    assert.deepEqual(out.comparison.perClass, inOrder.comparison.perClass);
    close(out.comparison.mean.delta, ref.delta);
    assert.deepEqual(out.comparison.fixed.map((x: { lineA: number }) => x.lineA), ref.fixedLines);
    const md = run(A, 'test/fixtures/compare/b_shuffled.csv', '--format', 'markdown', '--no-progress').stdout;
    assert.match(md, /\nRows were matched by the id column "id" \(both files have it\): 600 samples in both\. Paired samples: 600\./);
    const text = run(A, 'test/fixtures/compare/b_shuffled.csv', '--match', 'order', '--no-progress');
    assert.equal(text.code, 1);
    assert.equal(text.stderr, `loss-lens compare: The labels disagree at row 1: line 2 of ${A} has label "cat", line 2 of test/fixtures/compare/b_shuffled.csv has label "dog". The files must hold the same samples in the same order.\n`);
  });

  it('--id-column: refused naming the file and its columns when it lacks the column, or when it is the label; contradicting --match order', () => {
    const missing = run(A, B, '--id-column', 'image');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, `${A}:1: id column "image" not found; the columns are: id, label, logit_cat, logit_dog, logit_bird\n`);
    const label = run(A, B, '--id-column=label');
    assert.equal(label.code, 1);
    assert.match(label.stderr, /a\.csv:1: id column "label" is the label column: name another with --id-column NAME; the columns are: id, label,/);
    const both = run(A, B, '--id-column', 'id', '--match', 'order');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /^loss-lens: --match order and --id-column id contradict each other: give one/);
    const given = run(A, 'test/fixtures/compare/b_shuffled.csv', '--id-column', 'id', '--no-progress');
    assert.equal(given.code, 0, given.stderr);
    assert.match(given.stdout, /matched by the id column "id"/);
  });

  it('refuses files of other row counts or labels (exit 1), and a condition not over delta.* (exit 2)', () => {
    const byId = run(A, 'test/fixtures/compare/b_short.csv', '--no-progress');
    assert.equal(byId.code, 0, byId.stderr);
    assert.match(byId.stdout, /599 samples in both\. 1 sample of .*a\.csv is not in .*b_short\.csv \(the first: id "img-0599", .*a\.csv:601\): left out\./);
    const short = run(A, 'test/fixtures/compare/b_short.csv', '--match', 'order');
    assert.equal(short.code, 1);
    assert.match(short.stderr, /a\.csv has 600 rows and .*b_short\.csv 599 rows: not the same samples\. .*b_short\.csv ends at line 600/);
    const relabelled = run(A, 'test/fixtures/compare/b_relabelled.csv');
    assert.equal(relabelled.code, 1);
    assert.match(relabelled.stderr, /The labels disagree at row 7: line 8 of .*a\.csv has label "\w+", line 8 of .*b_relabelled\.csv/);
    const notDelta = run(A, B, '--fail-if', 'mean>0.3');
    assert.equal(notDelta.code, 2);
    assert.match(notDelta.stderr, /compare's conditions are over the difference/);
    const one = spawnSync(process.execPath, [CLI, A, '--fail-if', 'delta.mean>0'], { encoding: 'utf8' });
    assert.equal(one.status, 2);
    assert.match(one.stderr, /delta\.\* compares two files: loss-lens compare A B/);
  });
});
