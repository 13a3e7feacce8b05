/**
 * A live run read file by file (core/run/parts.ts, node/run.ts readRunParts): a run grown by one
 * file, with the parts of the files read before kept, gives the same numbers bit for bit as the
 * full read of every file (readRun: the CLI's); only new or changed files are read, and every file
 * again when the first one changes. With leaveOut, a new file that cannot be read, or whose layout
 * differs, is left out and said with its file, line and column, the rest read as without it.
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunPart } from '../../src/core/run/parts';
import { regions, REGION_FRACTION, type CartographyStats } from '../../src/core/run/stats';
import { errorOf } from '../../src/shared/failure';
import { AnalysisError } from '../../src/core/analyze';
import { readRun, readRunParts, type RunPartsRead, type RunRead } from '../../src/node/run';
import { shardEntries } from '../../src/node/shard-args';
import { CLASSIC_REQUEST } from './breakdown-helpers';

const DIR = join(__dirname, '..', 'fixtures', 'run');
const workerScript = resolve('dist/worker.js');

const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Every array of the store and the per-sample stats byte for byte, and the report. */
function assertSame(got: RunRead, want: RunRead): void {
  assert.deepStrictEqual(got.report, want.report);
  for (const k of ['pTrue', 'loss', 'correct', 'line', 'trueClass'] as const) assert.ok(bytes(got.store[k]).equals(bytes(want.store[k])), `store.${k}`);
  assert.deepStrictEqual(got.store.ids, want.store.ids);
  for (const k of ['confidence', 'variability', 'correctness'] as const) assert.ok(bytes(got.carto[k]).equals(bytes(want.carto[k])), `carto.${k}`);
  assert.ok(bytes(got.regions.region).equals(bytes(want.regions.region)), 'regions');
  for (const k of ['events', 'lastForgotten', 'learned'] as const) assert.ok(bytes(got.forgetting[k]).equals(bytes(want.forgetting[k])), `forgetting.${k}`);
}

describe('run read file by file: a live run reads only its new or changed files', () => {
  let dir: string;
  before(() => {
    if (!existsSync(workerScript)) throw new Error('dist/worker.js is missing: run node scripts/build.mjs');
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'loss-lens-run-parts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const entries = async () => shardEntries([dir]);
  const full = async (threads: number) => readRun(await entries(), CLASSIC_REQUEST, { top: 200, threads, workerScript });
  const parts = async (cached: readonly RunPart[], threads: number, leaveOut = false) => readRunParts(await entries(), CLASSIC_REQUEST, { top: 200, threads, workerScript, cached, leaveOut });
  /** The parts a host keeps after a read (panel.ts keepParts). */
  const kept = (before: readonly RunPart[], r: RunPartsRead) => r.keys.map((k) => r.fresh.find((p) => p.key === k) ?? before.find((p) => p.key === k)!);
  const names = (r: RunPartsRead) => r.fresh.map((p) => p.name.replace(/^.*\//, ''));

  for (const [folder, ext, threads] of [['order', 'csv', 1], ['id', 'jsonl', 2]] as const) {
    it(`${folder} (${ext}, ${threads} reader${threads > 1 ? 's' : ''}): 9 files, then the 10th added, then the 3rd rewritten, then the 1st: each equals a full read bit for bit`, async () => {
      for (let e = 1; e <= 9; e++) copyFileSync(join(DIR, folder, `epoch_${e}.${ext}`), join(dir, `epoch_${e}.${ext}`));
      const first = await parts([], threads);
      assert.equal(first.fresh.length, 9);
      assertSame(first.run, await full(threads));
      let cache = kept([], first);

      copyFileSync(join(DIR, folder, `epoch_10.${ext}`), join(dir, `epoch_10.${ext}`));
      const grown = await parts(cache, threads);
      assert.deepEqual(names(grown), [`epoch_10.${ext}`], 'only the new file is read');
      assert.equal(grown.run.report.files.length, 10);
      assertSame(grown.run, await full(threads));
      cache = kept(cache, grown);

      // Rewritten (another epoch's predictions, the same samples): its size and time change.
      copyFileSync(join(DIR, folder, `epoch_8.${ext}`), join(dir, `epoch_3.${ext}`));
      utimesSync(join(dir, `epoch_3.${ext}`), new Date(), new Date(Date.now() + 5000));
      const changed = await parts(cache, threads);
      assert.deepEqual(names(changed), [`epoch_3.${ext}`]);
      assertSame(changed.run, await full(threads));
      cache = kept(cache, changed);

      // The first file is what every other is matched to: changed, every file is read again.
      utimesSync(join(dir, `epoch_1.${ext}`), new Date(), new Date(Date.now() + 10_000));
      const again = await parts(cache, threads);
      assert.equal(again.fresh.length, 10);
      assertSame(again.run, await full(threads));
    });
  }

  it('leaveOut: a new file with a row cut short, and one of another layout, are left out, said with file, line and column; the rest as a full read without them', async () => {
    for (let e = 1; e <= 4; e++) copyFileSync(join(DIR, 'order', `epoch_${e}.csv`), join(dir, `epoch_${e}.csv`));
    const before = await parts([], 2, true);
    const lines = readFileSync(join(DIR, 'order', 'epoch_5.csv'), 'utf8').split('\n');
    // A row cut to 3 of its 5 fields (a writer's partial flush, then more rows).
    lines[6] = lines[6]!.split(',').slice(0, 3).join(',');
    writeFileSync(join(dir, 'epoch_7.csv'), lines.join('\n'));
    // Its classes named otherwise: another layout.
    writeFileSync(join(dir, 'epoch_8.csv'), readFileSync(join(DIR, 'order', 'epoch_6.csv'), 'utf8').replace('label,cat,dog,bird,fish', 'label,a,b,c,d'));
    copyFileSync(join(DIR, 'order', 'epoch_5.csv'), join(dir, 'epoch_5.csv'));
    for (const threads of [1, 2]) {
      const r = await parts(kept([], before), threads, true);
      assert.deepEqual(names(r), ['epoch_5.csv'], `${threads} readers: epoch_5 read and kept`);
      assert.deepEqual(r.leftOut.map((l) => l.name.replace(/^.*\//, '')), ['epoch_7.csv', 'epoch_8.csv']);
      const bad = errorOf(r.leftOut[0]!.failure);
      assert.ok(bad instanceof AnalysisError);
      assert.deepEqual([bad.problems[0]!.line, bad.problems[0]!.column], [7, lines[6]!.length + 1]);
      assert.equal(bad.problems[0]!.message, 'expected 5 fields (as in the header), found 3');
      assert.match(errorOf(r.leftOut[1]!.failure).message, /epoch_8\.csv: its layout differs from that of .*epoch_1\.csv \(prediction columns \["cat", "dog", "bird", "fish"\] vs \["a", "b", "c", "d"\]\): the files of a run must share one layout/);
      assert.deepEqual(r.run.report.files.map((f) => f.name.replace(/^.*\//, '')), ['epoch_1.csv', 'epoch_2.csv', 'epoch_3.csv', 'epoch_4.csv', 'epoch_5.csv']);
      // Without leaveOut (a run opened, not grown) the bad file fails the run, naming it.
      await assert.rejects(parts([], threads), (err: unknown) => (err instanceof AnalysisError ? err.file : String(err)).match(/epoch_(7|8)\.csv/) !== null);
    }
    for (const n of ['epoch_7.csv', 'epoch_8.csv']) rmSync(join(dir, n));
    assertSame((await parts(kept([], before), 1, true)).run, await full(1));
    assert.deepEqual(readdirSync(dir).sort(), ['epoch_1.csv', 'epoch_2.csv', 'epoch_3.csv', 'epoch_4.csv', 'epoch_5.csv']);
  });

  it('leaveOut: a first file that cannot be read fails the run (there is nothing to match the others to)', async () => {
    for (let e = 2; e <= 3; e++) copyFileSync(join(DIR, 'order', `epoch_${e}.csv`), join(dir, `epoch_${e}.csv`));
    const lines = readFileSync(join(DIR, 'order', 'epoch_1.csv'), 'utf8').split('\n');
    lines[3] = lines[3]!.split(',').slice(0, 2).join(',');
    writeFileSync(join(dir, 'epoch_1.csv'), lines.join('\n'));
    await assert.rejects(parts([], 2, true), (err: unknown) => err instanceof AnalysisError && /epoch_1\.csv/.test(err.file));
  });

  it('a part costs 13 bytes a sample (the store\'s own), the first file\'s its true class besides', async () => {
    for (let e = 1; e <= 2; e++) copyFileSync(join(DIR, 'order', `epoch_${e}.csv`), join(dir, `epoch_${e}.csv`));
    const r = await parts([], 1);
    const size = (p: RunPart) => [p.pTrue, p.loss, p.correct, p.line, p.trueClass, p.first?.trueClass].reduce((n, a) => n + (a?.byteLength ?? 0), 0);
    assert.deepEqual(r.fresh.map(size), [300 * 17, 300 * 13]);
  });
});

describe('run regions: the selections by a numeric sort equal those of a sort by key then index', () => {
  /** The selections as first written: the valid samples sorted by key (ties by index), the first n taken. */
  function reference(c: CartographyStats) {
    const valid: number[] = [];
    for (let i = 0; i < c.confidence.length; i++) if (c.present[i]! > 0) valid.push(i);
    const n = Math.floor(REGION_FRACTION * valid.length);
    const ranked = (key: Float64Array, up: boolean) => valid.slice().sort((a, b) => (up ? key[a]! - key[b]! : key[b]! - key[a]!) || a - b).slice(0, n);
    const easy = ranked(c.confidence, false);
    const hard = ranked(c.confidence, true);
    const ambiguous = ranked(c.variability, false);
    const region = new Uint8Array(c.confidence.length);
    for (const i of hard) region[i] = 3;
    for (const i of easy) region[i] = 1;
    for (const i of ambiguous) region[i] = 2;
    const edge = (list: number[], key: Float64Array) => (list.length === 0 ? NaN : key[list[list.length - 1]!]!);
    return { region, thresholds: { easyConfidence: edge(easy, c.confidence), ambiguousVariability: edge(ambiguous, c.variability), hardConfidence: edge(hard, c.confidence) } };
  }

  it('on 200 random maps with many ties and samples without a value (0 to 3,000 samples)', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let t = 0; t < 200; t++) {
      const N = Math.floor(rand() * 3000);
      // Coarse keys (few distinct values) make ties at the edges the common case.
      const levels = 1 + Math.floor(rand() * 50);
      const c: CartographyStats = { confidence: new Float64Array(N), variability: new Float64Array(N), correctness: new Float64Array(N), present: new Uint32Array(N) };
      for (let i = 0; i < N; i++) {
        c.present[i] = rand() < 0.1 ? 0 : 1 + Math.floor(rand() * 5);
        c.confidence[i] = c.present[i] === 0 ? NaN : Math.floor(rand() * levels) / levels;
        c.variability[i] = c.present[i] === 0 ? NaN : (Math.floor(rand() * levels) / levels) * 0.5;
      }
      const got = regions(c);
      const want = reference(c);
      assert.ok(bytes(got.region).equals(bytes(want.region)), `map ${t} (${N} samples, ${levels} levels): regions`);
      assert.deepStrictEqual(got.thresholds, want.thresholds, `map ${t}: edges`);
    }
  });
});
