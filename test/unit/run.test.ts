/**
 * A run (issue 15, item 1): files over the same samples, one per epoch. The cartography, the
 * forgetting events, the regions, the samples whose loss rose and each file's breakdown against
 * the NumPy reference of scripts/fixtures/gen_run.py (10 epochs, 300 samples), read as the CLI
 * reads them: by row order (CSV, no id column) and by id (JSONL, rows shuffled in every epoch).
 * Then the refusals: files that do not hold the same samples, named by file and line.
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NO_VALUE, RunMatchError, trajectoryBuilder, forgetting, type FileSamples } from '../../src/core/run';
import { readRun, type RunRead } from '../../src/node/run';
import { shardEntries } from '../../src/node/shard-args';
import { assertClose, CLASSIC_REQUEST } from './breakdown-helpers';

const DIR = join(__dirname, '..', 'fixtures', 'run');

interface Reference {
  samples: number;
  files: number;
  epochs: { mean: number; accuracy: number; classes: number[] }[];
  perSample: Record<string, { label: number; confidence: number; variability: number; correctness: number; events: number; region: string }>;
  forgetting: { forgotten: number; events: number; neverLearned: number; unforgettable: number };
  regions: { selected: number; counts: Record<string, number>; thresholds: Record<string, number> };
  rose: { id: string; rise: number; lossFrom: number; lossTo: number }[];
}
const ref = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8')) as Reference;

const REGION_NAMES = ['other', 'easy', 'ambiguous', 'hard'];

const workerScript = resolve('dist/worker.js');

/** One reader, or two (this thread and a worker of dist/worker.js, files arriving in any order). */
async function read(arg: string, threads = 1, match: 'auto' | 'order' = 'auto'): Promise<RunRead> {
  if (threads > 1 && !existsSync(workerScript)) throw new Error('dist/worker.js is missing: run node scripts/build.mjs');
  return readRun(await shardEntries([arg]), CLASSIC_REQUEST, { top: 10, threads, workerScript, match });
}

function checkAgainstReference(run: RunRead, idOf: (sample: number) => string): void {
  const r = run.report;
  assert.equal(r.samples, ref.samples);
  assert.equal(r.files.length, ref.files);
  // Natural order: epoch_10 last, not after epoch_1.
  assert.deepEqual(r.files.map((f) => /epoch_(\d+)/.exec(f.name)![1]), ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
  r.files.forEach((f, e) => {
    const want = ref.epochs[e]!;
    assertClose(f.mean, want.mean, 1e-12, `epoch ${e + 1} mean`);
    assert.equal(f.accuracy, want.accuracy, `epoch ${e + 1} accuracy`);
    assertClose(f.classes.map((c) => c.meanLoss), want.classes, 1e-12, `epoch ${e + 1} classes`);
  });
  const seen = new Set<string>();
  for (let i = 0; i < r.samples; i++) {
    const id = idOf(i);
    seen.add(id);
    const want = ref.perSample[id]!;
    assert.equal(run.store.trueClass[i], want.label, `${id} label`);
    assertClose(run.carto.confidence[i], want.confidence, 1e-12, `${id} confidence`);
    assertClose(run.carto.variability[i], want.variability, 1e-9, `${id} variability`);
    assert.equal(run.carto.correctness[i], want.correctness, `${id} correctness`);
    assert.equal(REGION_NAMES[run.regions.region[i]!], want.region, `${id} region`);
  }
  assert.equal(seen.size, ref.samples, 'every sample once');
  const fg = forgetting(run.store);
  for (let i = 0; i < r.samples; i++) assert.equal(fg.events[i], ref.perSample[idOf(i)]!.events, `${idOf(i)} forgetting events`);
  const { top: _top, text: _text, ...counts } = r.forgetting;
  assert.deepEqual(counts, ref.forgetting);
  assert.equal(r.cartography.selected, ref.regions.selected);
  assert.deepEqual(r.cartography.counts, ref.regions.counts);
  assertClose(r.cartography.thresholds, ref.regions.thresholds, 1e-12, 'thresholds');
  assert.deepEqual(r.rose.map((s) => idOf(s.sample)), ref.rose.map((s) => s.id));
  assertClose(r.rose.map((s) => [s.rise, s.lossFrom, s.lossTo]), ref.rose.map((s) => [s.rise, s.lossFrom, s.lossTo]), 0, 'rises (float32 losses, exactly)');
}

describe('run: files over the same samples', () => {
  it('by row order (CSV, no id column): every figure equals the NumPy reference', async () => {
    const run = await read(join(DIR, 'order'));
    assert.equal(run.report.matchedBy, 'order');
    assert.match(run.report.matching, /matched by row order.*no file has an id column/);
    checkAgainstReference(run, (i) => `s${String(i).padStart(4, '0')}`);
    // A listed sample's line is its line in that file: the header, then sample i on line i + 2.
    for (const s of run.report.rose) assert.equal(s.line, s.sample + 2);
  });

  it('by id (JSONL, rows shuffled in every epoch; two readers): the same figures, each sample found by its id', async () => {
    const run = await read(join(DIR, 'id', '*.jsonl'), 2);
    assert.equal(run.report.matchedBy, 'id');
    assert.equal(run.report.idColumn, 'id');
    checkAgainstReference(run, (i) => run.store.ids![i]!);
    // The line of a forgotten sample is where its id is in that file.
    for (const s of run.report.forgetting.top) {
      const line = readFileSync(run.report.files[s.file]!.name, 'utf8').split('\n')[s.line - 1]!;
      assert.equal((JSON.parse(line) as { id: string }).id, s.id);
    }
  });

  it('--match order: by row order though the files have an id column, and said so; shuffled rows are then refused', async () => {
    await assert.rejects(read(join(DIR, 'id'), 1, 'order'), /epoch_2\.jsonl:1: label "\d", but line 1 of .*epoch_1\.jsonl has label "\d" for the same sample \(matched by row order\)/);
    const dir = mkdtempSync(join(tmpdir(), 'loss-lens-run-'));
    try {
      // The same epoch twice, ids and all: row order holds.
      copyFileSync(join(DIR, 'id', 'epoch_3.jsonl'), join(dir, 'a.jsonl'));
      copyFileSync(join(DIR, 'id', 'epoch_3.jsonl'), join(dir, 'b.jsonl'));
      const run = await read(dir, 1, 'order');
      assert.equal(run.report.matchedBy, 'order');
      assert.equal(run.report.matching, 'Samples were matched by row order, as asked (--match order); the id column "id" was not used.');
      assert.equal(run.store.ids, undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('states the trajectory store: 13 bytes a sample a file, 4 a sample', async () => {
    const run = await read(join(DIR, 'order'));
    assert.equal(run.report.store.bytes, 300 * 10 * 13 + 300 * 4);
    assert.equal(run.store.pTrue.length + run.store.loss.length, 2 * 300 * 10);
  });
});

describe('run: files that do not hold the same samples are refused, by file and line', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'loss-lens-run-'));
    for (const n of ['epoch_1.csv', 'epoch_2.csv', 'epoch_3.csv']) copyFileSync(join(DIR, 'order', n), join(dir, n));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const edit = (name: string, fn: (lines: string[]) => void) => {
    const lines = readFileSync(join(dir, name), 'utf8').split('\n');
    fn(lines);
    writeFileSync(join(dir, name), lines.join('\n'));
  };

  it('a label that differs at a row (two readers: the other is stopped)', async () => {
    let was = '';
    edit('epoch_3.csv', (lines) => {
      const cells = lines[4]!.split(',');
      was = cells[0]!;
      cells[0] = String((Number(was) + 1) % 4);
      lines[4] = cells.join(',');
    });
    await assert.rejects(read(dir, 2), (err: Error) => {
      assert.ok(err instanceof RunMatchError);
      assert.match(err.message, new RegExp(`epoch_3\\.csv:5: label "${(Number(was) + 1) % 4}", but line 5 of .*epoch_1\\.csv has label "${was}" for the same sample \\(matched by row order\\)`));
      return true;
    });
  });

  it('another number of rows', async () => {
    edit('epoch_2.csv', (lines) => lines.splice(100, 1));
    await assert.rejects(read(dir), /epoch_1\.csv has 300 rows and .*epoch_2\.csv 299 rows: not the same samples \(matched by row order\)\. .*epoch_2\.csv ends at row 299; .*epoch_1\.csv:301 is row 300/);
  });

  it('by id: an id not in the first file, and an id twice', () => {
    const side = (name: string, ids: string[], labels: number[]): FileSamples => ({
      name,
      rows: ids.length,
      pTrue: Float32Array.from(labels, () => 0.5),
      loss: Float32Array.from(labels, () => 0.7),
      correct: Uint8Array.from(labels, () => 1),
      trueClass: Int32Array.from(labels),
      line: Float64Array.from(ids, (_, i) => i + 2),
      ids,
    });
    const m = { by: 'id' as const, column: 'id' };
    const b = trajectoryBuilder(2, m, ['a', 'b']);
    b.add(side('e1.csv', ['x', 'y', 'z'], [0, 1, 0]), 0);
    assert.throws(() => b.add(side('e2.csv', ['x', 'w', 'z'], [0, 1, 0]), 1), /e2\.csv:3: id "w" is not in e1\.csv/);
    const c = trajectoryBuilder(2, m, ['a', 'b']);
    assert.throws(() => c.add(side('e1.csv', ['x', 'y', 'x'], [0, 1, 0]), 0), /e1\.csv:4: id "x" again \(first on line 2\)/);
    const d = trajectoryBuilder(2, m, ['a', 'b']);
    d.add(side('e1.csv', ['x', 'y', 'z'], [0, 1, 0]), 0);
    assert.throws(() => d.add(side('e2.csv', ['z', 'y', 'x'], [0, 0, 0]), 1), /e2\.csv:3: label "a", but line 3 of e1\.csv has label "b" for the same sample \(matched by id "y"\)/);
  });

  it('a run is two files or more', async () => {
    await assert.rejects(read(join(dir, 'epoch_1.csv')), /a run is two files or more over the same samples; only .*epoch_1\.csv was/);
  });
});

describe('run: rows the reader does not batch (named labels) are kept too', () => {
  it('two files of named labels: every sample has its values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loss-lens-run-'));
    try {
      writeFileSync(join(dir, 'epoch_1.csv'), 'label,cat,dog\ncat,0.8,0.2\ndog,0.6,0.4\ncat,0.3,0.7\n');
      writeFileSync(join(dir, 'epoch_2.csv'), 'label,cat,dog\ncat,0.9,0.1\ndog,0.7,0.3\ncat,0.6,0.4\n');
      const run = await read(dir);
      assert.deepEqual([...run.store.pTrue], [0.8, 0.4, 0.3, 0.9, 0.3, 0.6].map(Math.fround));
      assert.deepEqual([...run.store.correct], [1, 0, 0, 1, 0, 1]);
      assert.deepEqual([...run.store.line], [2, 3, 4, 2, 3, 4]);
      assert.deepEqual(run.report.forgetting.neverLearned, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('run: forgetting events pass over files where the sample has no value', () => {
  it('right, (ignored), wrong counts one event; wrong, right, right none', () => {
    const N = 2;
    const correct = Uint8Array.from([1, 0, NO_VALUE, 1, 0, 1]); // file-major: file f at f*N
    const store = { samples: N, files: 3, pTrue: new Float32Array(6), loss: new Float32Array(6), correct, line: new Uint32Array(6), trueClass: new Int32Array(N) };
    const fg = forgetting(store);
    assert.deepEqual([...fg.events], [1, 0]);
    assert.deepEqual([...fg.lastForgotten], [2, -1]);
  });
});
