/**
 * A run held in one file, its epochs told apart by a column (node/run-epochs.ts): the 10-epoch run
 * of test/fixtures/run in one JSONL file with "epoch" (rows of every epoch shuffled together,
 * matched by id) and in one CSV with "step" (matched by row order; step 500 after step 100), from
 * scripts/fixtures/gen_run_one_file.py, against the NumPy reference of the run (gen_run.py).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunMatchError } from '../../src/core/run';
import { readEpochRun, type EpochRunRead } from '../../src/node/run-epochs';
import { assertClose, CLASSIC_REQUEST } from './breakdown-helpers';

const DIR = join('test', 'fixtures', 'run');
const ref = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8')) as {
  samples: number;
  epochs: { mean: number; accuracy: number; classes: number[] }[];
  perSample: Record<string, { label: number; confidence: number; events: number; region: string }>;
  forgetting: Record<string, number>;
  regions: { counts: Record<string, number> };
  rose: { id: string; rise: number }[];
};
const REGION_NAMES = ['other', 'easy', 'ambiguous', 'hard'];

async function read(path: string, match: 'auto' | 'order' = 'auto'): Promise<EpochRunRead | undefined> {
  return readEpochRun({ path, name: path }, CLASSIC_REQUEST, { top: 10, match });
}

function check(run: EpochRunRead, idOf: (sample: number) => string): void {
  const r = run.report;
  assert.equal(r.samples, ref.samples);
  r.files.forEach((f, e) => {
    assertClose(f.mean, ref.epochs[e]!.mean, 1e-12, `epoch ${e + 1} mean`);
    assert.equal(f.accuracy, ref.epochs[e]!.accuracy);
    assertClose(f.classes.map((c) => c.meanLoss), ref.epochs[e]!.classes, 1e-12, `epoch ${e + 1} classes`);
    assert.equal(f.count, 300);
  });
  for (let i = 0; i < r.samples; i++) {
    const want = ref.perSample[idOf(i)]!;
    assert.equal(run.store.trueClass[i], want.label);
    assertClose(run.carto.confidence[i], want.confidence, 1e-12, `${idOf(i)} confidence`);
    assert.equal(REGION_NAMES[run.regions.region[i]!], want.region);
  }
  const { top: _top, text: _text, ...counts } = r.forgetting;
  assert.deepEqual(counts, ref.forgetting);
  assert.deepEqual(r.cartography.counts, ref.regions.counts);
  assert.deepEqual(r.rose.map((s) => idOf(s.sample)), ref.rose.map((s) => s.id));
}

describe('run: one file holding several epochs', () => {
  it('log.jsonl ("epoch", rows of every epoch shuffled together): by id, every figure of the run in ten files', async () => {
    const run = await read(join(DIR, 'one_file', 'log.jsonl'));
    assert.ok(run);
    assert.equal(run.report.matchedBy, 'id');
    assert.deepEqual(run.report.files.map((f) => f.name), Array.from({ length: 10 }, (_, i) => `test/fixtures/run/one_file/log.jsonl [epoch ${i + 1}]`));
    assert.equal(run.report.order, 'Epochs are the values of the column "epoch" of test/fixtures/run/one_file/log.jsonl, in increasing order (1, 2, 3, ..., 10), each one file of the run.');
    check(run, (i) => run.store.ids![i]!);
    // A listed sample's line is its line in the one file.
    const lines = readFileSync(join(DIR, 'one_file', 'log.jsonl'), 'utf8').split('\n');
    for (const s of run.report.rose) assert.match(lines[s.line - 1]!, new RegExp(`^\\{"epoch": 10, "id": "${run.store.ids![s.sample]}"`));
  });

  it('steps.csv ("step" 50 ... 500, each sample\'s rows together): by row order within each step, in numeric order', async () => {
    const run = await read(join(DIR, 'one_file', 'steps.csv'));
    assert.ok(run);
    assert.equal(run.report.matchedBy, 'order');
    assert.deepEqual(run.report.files.map((f) => f.name.replace(/.*\[/, '[')), Array.from({ length: 10 }, (_, i) => `[step ${50 * (i + 1)}]`));
    check(run, (i) => `s${String(i).padStart(4, '0')}`);
  });

  it('no column of epochs: not a one-file run (undefined); one value, or a row without one: refused naming the file and line', async () => {
    assert.equal(await read(join(DIR, 'order', 'epoch_1.csv')), undefined);
    const dir = mkdtempSync(join(tmpdir(), 'loss-lens-epochs-'));
    try {
      const body = readFileSync(join(DIR, 'one_file', 'steps.csv'), 'utf8').split('\n');
      const one = join(dir, 'one.csv');
      writeFileSync(one, [body[0], ...body.slice(1, 40).map((l) => l.replace(/^\d+,/, '7,'))].join('\n'));
      await assert.rejects(read(one), (e: unknown) => e instanceof RunMatchError && e.message === `${one}: the column "step" holds one value (7): a run is two epochs or more`);
      const gap = join(dir, 'gap.csv');
      writeFileSync(gap, [body[0], ...body.slice(1, 40).map((l, i) => (i === 5 ? l.replace(/^\d+,/, ',') : l))].join('\n'));
      await assert.rejects(read(gap), (e: unknown) => e instanceof RunMatchError && e.message === `${gap}:7: no value in the column "step", which says each row's epoch: every row needs one`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
