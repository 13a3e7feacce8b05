import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The bundled CLI, as users run it: `npm test` builds before the unit tests.
const CLI = 'dist/cli.js';

function run(...args: string[]) {
  assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build`);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('loss-lens CLI', () => {
  it('reproduces scikit-learn log_loss on the breast cancer predictions (shared/data reference.json)', () => {
    const r = run('samples/binary.csv', '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    // reference.json: scikit-learn log_loss, eps = 1e-15, 569 samples.
    assert.ok(Math.abs(j.mean - 0.08120094860858776) <= 1e-12 * 0.0812, String(j.mean));
    assert.equal(j.count, 569);
    assert.equal(j.file, 'samples/binary.csv');
    assert.equal(j.format, 'csv');
    assert.equal(j.preset, 'classic');
    assert.deepEqual(
      { kind: j.layout.kind, input: j.layout.input, labelColumn: j.layout.labelColumn, predictionColumns: j.layout.predictionColumns },
      { kind: 'bce', input: 'probs', labelColumn: 'y_true', predictionColumns: ['y_prob'] },
    );
    assert.equal(j.perClass.length, 2);
    assert.deepEqual(j.perClass.map((c: { support: number }) => c.support), [212, 357]);
    assert.ok(Math.abs(j.perClass[0].share + j.perClass[1].share - 1) < 1e-12);
    assert.equal(j.worst.length, 10);
    assert.deepEqual(Object.keys(j.worst[0]).slice(0, 3), ['row', 'line', 'loss']);
    assert.deepEqual(j.warnings, []);
  });

  it('prints located problems and exits 1 on bad input', () => {
    const r = run('samples/problems.csv');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.deepEqual(r.stderr.trim().split('\n'), [
      'samples/problems.csv:4:10: expected a number, found "abc"',
      'samples/problems.csv:6:13: expected 5 fields (as in the header), found 4',
      'samples/problems.csv:8:14: probability 1.3 is outside [0, 1] (column p_2); if these are logits, read with --input logits',
      'samples/problems.csv:10:6: found NaN (column p_0): values must be finite numbers',
      'loss-lens: 4 rows could not be read: fix them, or leave them out of the loss with --skip-invalid (the report then counts the rows skipped)',
    ]);
  });

  it('skips bad rows with --skip-invalid and reports them as warnings', () => {
    const r = run('samples/problems.csv', '--skip-invalid', '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.skipped, 4);
    assert.deepEqual(j.warnings.map((w: { line: number }) => w.line), [4, 6, 8, 10]);
  });

  it('exits 2 on bad usage, with the usage text', () => {
    const r = run('samples/binary.csv', '--preset', 'tensorflow');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--preset must be one of classic, pytorch, keras, sklearn, none/);
    assert.match(r.stderr, /usage: loss-lens FILE/);
    const weights = run('samples/digits.csv', '--class-weights', '1,2');
    assert.equal(weights.code, 2);
    assert.match(weights.stderr, /classWeights needs 10 values \(one per class\), got 2/);
  });

  it('exits 1 for a missing file', () => {
    const r = run('no/such/file.csv');
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'no/such/file.csv: no such file');
  });

  it('applies the presets: a probability of 0 on the truth costs 100 under pytorch, Infinity under none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-cli-'));
    const file = join(dir, 'zero.csv');
    writeFileSync(file, 'label,prob\n1,0\n1,1\n');
    assert.equal(JSON.parse(run(file, '--json', '--preset', 'pytorch').stdout).sum, 100);
    assert.equal(JSON.parse(run(file, '--json', '--preset', 'none').stdout).mean, 'Infinity');
    const keras = JSON.parse(run(file, '--json', '--preset', 'keras', '--reduction', 'sum').stdout);
    assert.ok(Math.abs(keras.value - (-Math.log(1e-7) - Math.log(1 - 1e-7))) < 1e-12);
  });

  it('renormalises rows on request: --renormalise gives scikit-learn 1.2 log_loss, --no-renormalise overrides keras', () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-cli-'));
    const file = join(dir, 'unnormalised.csv');
    // The rows of test/unit/losses-renormalise.test.ts; sklearn 1.2.1 log_loss(y, P) = 0.6962528105595845,
    // np.mean(-np.log(P[range(4), y])) = 0.7033526791900091 (rows as they are).
    writeFileSync(file, 'label,p_0,p_1,p_2\n1,0.2,0.5,0.2\n0,0.5,0.4,0.3\n2,0.1,0.1,0.8\n2,0.3,0.3,0.3\n');
    const mean = (...flags: string[]) => JSON.parse(run(file, '--json', '--input', 'probs', ...flags).stdout).mean as number;
    assert.ok(Math.abs(mean('--renormalise') - 0.6962528105595845) < 1e-15);
    assert.ok(Math.abs(mean() - 0.7033526791900091) < 1e-15);
    assert.ok(Math.abs(mean('--preset', 'keras', '--no-renormalise') - 0.7033526791900091) < 1e-15);
    const both = run(file, '--renormalise', '--no-renormalise');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--renormalise and --no-renormalise contradict/);
  });

  it('writes per-sample losses that add up to the sum', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'll-cli-')), 'losses.csv');
    const r = run('samples/hf_logits.jsonl', '--json', '--per-sample', out);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(rows[0], 'row,line,loss,weight,true_class,predicted_class,confidence');
    assert.equal(rows.length - 1, j.count);
    const sum = rows.slice(1).reduce((s, line) => s + Number(line.split(',')[2]), 0);
    assert.ok(Math.abs(sum - j.sum) <= 1e-9 * j.sum);
    assert.equal(j.layout.input, 'logits');
  });

  it('prints a readable report', () => {
    const r = run('samples/multilabel.csv', '--top', '3');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Loss Lens: samples\/multilabel\.csv \(CSV, \d+ rows\)/);
    assert.match(r.stdout, /multi-label binary cross-entropy from probabilities, preset classic/);
    assert.match(r.stdout, /\nPer label\n {2}class +support/);
    assert.match(r.stdout, /\n {2}car +\d+/);
    assert.match(r.stdout, /\nWorst 3 samples\n/);
    assert.match(r.stdout, /\nHow the file was read\n {2}- format: CSV/);
  });

  it('explains the sample on a line, with the user\'s numbers', () => {
    const r = run('samples/binary.csv', '--explain', '2', '--preset', 'keras');
    assert.equal(r.code, 0, r.stderr);
    // Line 2 is y = 0, p = 4.11224977e-09; Keras clips p to 1e-7, so the loss is -ln(1 - 1e-7) = 1e-7.
    assert.equal(readFileSync('samples/binary.csv', 'utf8').split('\n')[1], 'bc-001,0,4.11224977e-09');
    assert.match(r.stdout, /^Sample on line 2 \(row 0\)\n/);
    assert.match(r.stdout, /\nLoss 1e-7 nats · binary cross-entropy · preset Keras · ln \(nats\)\n/);
    assert.match(r.stdout, /\n {2}probabilities are clipped to \[eps, 1 - eps\]: p = 4\.112e-9 becomes 1e-7\n/);
    assert.match(r.stdout, /Bayes' rule: P\(h \| D\)/);
    assert.match(r.stdout, /over N = 569 samples/);
    const none = run('samples/binary.csv', '--explain', '1');
    assert.equal(none.code, 1);
    assert.equal(none.stderr.trim(), 'samples/binary.csv:1: no sample starts on this line');
  });

  it('prints its version', () => {
    const r = run('--version');
    assert.equal(r.stdout.trim(), JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  describe('--class-names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-names-'));
    // labels ham/spam, `score` = P(spam): the name does not say, so the reading is an assumption.
    const file = 'test/fixtures/corpus/score_ham_spam.csv';
    const mean = (r: ReturnType<typeof run>) => (JSON.parse(r.stdout) as { mean: number }).mean;

    it('pins either reading of an ambiguous binary file: a list, a file of lines, a config.json id2label, a JSON array', () => {
      const assumed = run(file, '--json');
      assert.equal(assumed.code, 0, assumed.stderr);
      const j = JSON.parse(assumed.stdout) as { mean: number; warnings: { message: string }[]; layout: { classNames: string[]; assumptions: { flags: string; otherFlags: string }[] } };
      assert.deepEqual(j.layout.classNames, ['ham', 'spam']);
      assert.deepEqual(j.layout.assumptions.map((a) => [a.flags, a.otherFlags]), [['--class-names ham,spam', '--class-names spam,ham']]);
      assert.match(j.warnings[0]!.message, /^assumed: labels "ham" and "spam" in the first 256 rows, .*\(this reading: --class-names ham,spam; the other: --class-names spam,ham\)$/);
      const pinned = run(file, '--json', '--class-names', 'ham,spam');
      assert.equal(mean(pinned), j.mean);
      assert.deepEqual((JSON.parse(pinned.stdout) as { warnings: unknown[] }).warnings, []);
      const other = mean(run(file, '--json', '--class-names', 'spam,ham'));
      assert.ok(other > 2 * j.mean, `${other} vs ${j.mean}`);
      writeFileSync(join(dir, 'names.txt'), 'spam\nham\n');
      assert.equal(mean(run(file, '--json', '--class-names', join(dir, 'names.txt'))), other);
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ architectures: ['X'], id2label: { 1: 'ham', 0: 'spam' } }));
      assert.equal(mean(run(file, '--json', '--class-names', join(dir, 'config.json'))), other);
      assert.equal(mean(run(file, '--json', '--class-names', '["spam","ham"]')), other);
    });

    it('refuses a names file it cannot read, with a usage error', () => {
      const r = run(file, '--class-names', join(dir, 'missing.txt'));
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--class-names .*missing\.txt: no such file \(give a file, or two or more names separated by commas\)/);
    });
  });
});
