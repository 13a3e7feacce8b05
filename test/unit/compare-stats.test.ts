/**
 * The comparison's statistics against test/fixtures/compare/reference.json
 * (scripts/fixtures/gen_compare.py: scipy.stats.binomtest, numpy's classic paired bootstrap), and
 * the Poisson bootstrap's coverage checked by simulation; matched by id on shuffled rows
 * (b_shuffled.csv, scripts/fixtures/gen_compare_shuffled.py) as by order on rows in order.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareSamples, CompareError, idAt, mcnemarExact, packIds, sampleCollector, type CompareSide, type PackedIds } from '../../src/core/compare';
import { BLOCK, blockCount, joinBootstrap, percentileInterval, poissonBootstrap } from '../../src/core/compare/bootstrap';
import { compareSide } from '../../src/core/compare/side';
import { ROW_READ } from '../../src/core/compare/samples';
import { analyzeFile } from '../../src/node/analyze-file';
import { CLASSIC_REQUEST } from './breakdown-helpers';

const DIR = 'test/fixtures/compare';
const ref = JSON.parse(readFileSync(`${DIR}/reference.json`, 'utf8')) as {
  mcnemar: { fixed: number; broken: number; p: number; log10p: number | null }[];
  files: {
    rows: number;
    meanA: number;
    meanB: number;
    delta: number;
    bootstrap: { interval: [number, number]; sd: number };
    accuracyA: number;
    accuracyB: number;
    fixedLines: number[];
    brokenLines: number[];
    mcnemarP: number;
    perClass: { name: string; support: number; a: number; b: number; delta: number; interval: [number, number]; sd: number }[];
  };
};

const unpack = (p: PackedIds) => Array.from(p.end, (_, r) => idAt(p, r));

async function side(file: string): Promise<CompareSide> {
  const c = sampleCollector();
  const analysis = await analyzeFile(`${DIR}/${file}`, CLASSIC_REQUEST, { threads: 1, onEval: c.onEval, onLayout: c.onLayout });
  return compareSide(file, analysis, c.result());
}

const shuffled = JSON.parse(readFileSync(`${DIR}/shuffled.json`, 'utf8')) as { fixedLinesB: number[]; brokenLinesB: number[] };

const close = (actual: number, expected: number, rel = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);

describe('compare: statistics of two files over the same samples', () => {
  it("McNemar's exact p-value equals scipy.stats.binomtest's, and its log10 the exact one, up to 301,500 discordant pairs", () => {
    for (const c of ref.mcnemar) {
      const m = mcnemarExact(c.fixed, c.broken);
      if (c.p === 0) assert.equal(m.p, 0);
      else assert.ok(Math.abs(m.p - c.p) <= 1e-9 * c.p, `${c.fixed}/${c.broken}: ${m.p} != ${c.p}`);
      if (c.log10p !== null) assert.ok(Math.abs(m.log10p - c.log10p) <= 1e-9 * Math.max(1, -c.log10p), `${c.fixed}/${c.broken}: log10 ${m.log10p} != ${c.log10p}`);
    }
  });

  it('a.csv against b.csv: the means, their difference, fixed and broken samples and McNemar as NumPy and SciPy give them', async () => {
    const s = compareSamples(await side('a.csv'), await side('b.csv'));
    const f = ref.files;
    assert.equal(s.rows, f.rows);
    assert.equal(s.paired, f.rows);
    close(s.mean.a, f.meanA);
    close(s.mean.b, f.meanB);
    close(s.mean.delta, f.delta);
    assert.ok(s.correctness);
    close(s.correctness.accuracyA, f.accuracyA);
    close(s.correctness.accuracyB, f.accuracyB);
    assert.equal(s.correctness.fixed, f.fixedLines.length);
    assert.equal(s.correctness.broken, f.brokenLines.length);
    assert.deepEqual(s.fixed.map((x) => x.lineA), f.fixedLines);
    assert.deepEqual(s.broken.map((x) => x.lineB), f.brokenLines);
    close(s.correctness.p, f.mcnemarP);
    assert.equal(s.correctness.withinNoise, false);
    assert.match(s.correctness.text, /b\.csv fixes 67 samples and breaks 23 .*p = 3\.8e-6\): unlikely to be chance/);
    assert.equal(s.matching, 'Rows were matched by the id column "id" (both files have it): 600 samples in both.');
    assert.deepEqual(s.perClass.map((c) => [c.name, c.support]), f.perClass.map((c) => [c.name, c.support]));
    s.perClass.forEach((c, k) => {
      const r = f.perClass[k]!;
      close(c.a, r.a);
      close(c.b, r.b);
      close(c.delta, r.delta);
    });
  });

  it("the Poisson bootstrap's 95% intervals agree with NumPy's classic paired bootstrap (200,000 resamples) within Monte Carlo error", async () => {
    const s = compareSamples(await side('a.csv'), await side('b.csv'));
    // 2,000 resamples put a 2.5% quantile ~0.06 sd from its limit; 0.2 sd is 3 of those.
    const near = (ours: [number, number], theirs: [number, number], sd: number) => {
      assert.ok(Math.abs(ours[0] - theirs[0]) < 0.2 * sd && Math.abs(ours[1] - theirs[1]) < 0.2 * sd, `${ours} vs ${theirs} (sd ${sd})`);
    };
    near(s.mean.interval, ref.files.bootstrap.interval, ref.files.bootstrap.sd);
    assert.equal(s.mean.withinNoise, false);
    assert.match(s.mean.text, /b\.csv's mean loss is lower by 0\.0885 nats \(95% interval -0\.11\d* to -0\.0\d*\): not within noise/);
    s.perClass.forEach((c, k) => near(c.interval, ref.files.perClass[k]!.interval, ref.files.perClass[k]!.sd));
    // dog's interval holds 0, bird's does not (NumPy's say the same).
    assert.deepEqual(s.perClass.map((c) => c.withinNoise), [false, true, false]);
  });

  it('the same seed gives the same interval; another seed another, within Monte Carlo error', async () => {
    const a = await side('a.csv');
    const b = await side('b.csv');
    const one = compareSamples(a, b, { seed: 7 });
    assert.deepEqual(compareSamples(a, b, { seed: 7 }).mean.interval, one.mean.interval);
    const other = compareSamples(a, b, { seed: 8 });
    assert.notDeepEqual(other.mean.interval, one.mean.interval);
    assert.ok(Math.abs(other.mean.interval[0] - one.mean.interval[0]) < 0.3 * ref.files.bootstrap.sd);
  });

  it('matched by id on shuffled rows: exactly what matching by order gives on rows in order (reference.json), each sample named by its line in each file', async () => {
    const a = await side('a.csv');
    const byOrder = compareSamples(a, await side('b.csv'), { match: 'order' });
    const bs = await side('b_shuffled.csv');
    // Named as b.csv, so that the sentences can be compared whole.
    const byId = compareSamples(a, { ...bs, name: 'b.csv' });
    assert.equal(byId.match.by, 'id');
    assert.equal(byOrder.match.by, 'order');
    assert.equal(byId.matching, 'Rows were matched by the id column "id" (both files have it): 600 samples in both.');
    assert.equal(byOrder.matching, 'Rows were matched by order (row i of the first file with row i of the second), as asked (--match order); an id column found was not used.');
    // The same rows of a.csv in the same order: the same resamples, so every figure to the bit.
    assert.deepEqual(byId.mean, byOrder.mean);
    assert.deepEqual(byId.correctness, byOrder.correctness);
    assert.deepEqual(byId.perClass, byOrder.perClass);
    assert.equal(byId.mean.delta, byOrder.mean.delta);
    close(byId.mean.delta, ref.files.delta);
    close(byId.correctness!.p, ref.files.mcnemarP);
    assert.deepEqual(byId.fixed.map((x) => x.lineA), ref.files.fixedLines);
    assert.deepEqual(byId.fixed.map((x) => x.lineB), shuffled.fixedLinesB);
    assert.deepEqual(byId.broken.map((x) => x.lineB), shuffled.brokenLinesB);
    assert.deepEqual(byId.fixed.map((x) => x.lossB), byOrder.fixed.map((x) => x.lossB));
    // By order, the shuffled file's labels disagree with a.csv's at once.
    assert.throws(() => compareSamples(a, bs, { match: 'order' }), /^Error: The labels disagree at row 1: line 2 of a\.csv has label "cat", line 2 of b_shuffled\.csv has label "dog"\. The files must hold the same samples in the same order\.$/);
  });

  it('by id, samples in one file only are counted and named, and left out; fewer than half in both is refused with the fix', async () => {
    const a = await side('a.csv');
    const short = await side('b_short.csv');
    const s = compareSamples(a, short);
    assert.equal(s.paired, 599);
    assert.deepEqual(s.match, { by: 'id', column: 'id', shared: 599, onlyA: { count: 1, first: { row: 599, line: 601, id: 'img-0599' } }, onlyB: { count: 0, first: null } });
    assert.equal(s.matching, 'Rows were matched by the id column "id" (both files have it): 599 samples in both. 1 sample of a.csv is not in b_short.csv (the first: id "img-0599", a.csv:601): left out.');
    assert.equal(s.leftOut.count, 0);
    // Only rows 1..200 of b.csv: 200 of 600 in both.
    const b = await side('b.csv');
    const c = b.columns;
    const cut = (n: number): CompareSide => ({
      ...b,
      name: 'b_200.csv',
      columns: { loss: c.loss.slice(0, n), weight: c.weight.slice(0, n), trueClass: c.trueClass.slice(0, n), predicted: c.predicted.slice(0, n), line: c.line.slice(0, n), state: c.state.slice(0, n), ids: packIds(unpack(c.ids!).slice(0, n)) },
    });
    assert.throws(() => compareSamples(a, cut(200)), (e: unknown) => {
      assert.ok(e instanceof CompareError);
      assert.equal(e.message, 'Only 200 samples of a.csv\'s 600 and b_200.csv\'s 200 share an id in the column "id" (the first in a.csv only: id "img-0200", a.csv:202): not two reads of the same samples. If the rows are the same samples in the same order, match by row order with --match order; if another column names them, give it with --id-column NAME.');
      return true;
    });
    assert.equal(compareSamples(a, cut(300)).paired, 300);
  });

  it('by id, a repeated id is refused with both lines, an empty one with its line', async () => {
    const a = await side('a.csv');
    const b = await side('b_shuffled.csv');
    const ids = unpack(b.columns.ids!);
    ids[9] = ids[3];
    assert.throws(() => compareSamples(a, { ...b, columns: { ...b.columns, ids: packIds(ids) } }), /^Error: b_shuffled\.csv:11: id "img-0\d+" again \(first on line 5\): ids must name one sample each\. Fix the ids, name another column with --id-column NAME, or match by row order with --match order\.$/);
    ids[9] = '';
    assert.throws(() => compareSamples(a, { ...b, columns: { ...b.columns, ids: packIds(ids) } }), /^Error: b_shuffled\.csv:11: no id: every row needs one to be matched with the other file\./);
  });

  it('by order, refuses files of different row counts, naming where each ends', async () => {
    const a = await side('a.csv');
    const short = await side('b_short.csv');
    assert.throws(() => compareSamples(a, short, { match: 'order' }), (e: unknown) => {
      assert.ok(e instanceof CompareError);
      assert.equal(e.message, 'a.csv has 600 rows and b_short.csv 599 rows: not the same samples. b_short.csv ends at line 600 (row 599); a.csv goes on at line 601 (row 600) of 600. Rows were matched by order: give both files an id column (or name it with --id-column NAME) to match them by id.');
      return true;
    });
  });

  it('refuses files whose labels disagree, naming the line in each', async () => {
    const a = await side('a.csv');
    const relabelled = await side('b_relabelled.csv');
    assert.throws(() => compareSamples(a, relabelled), (e: unknown) => {
      assert.ok(e instanceof CompareError);
      assert.match(e.message, /^The labels disagree at row 7: line 8 of a\.csv has label "\w+", line 8 of b_relabelled\.csv has label "\w+"\. The files must hold the same samples \(matched by the id column "id"\)\.$/);
      return true;
    });
  });

  it('says when a difference is within noise: a file against itself with noise added', async () => {
    const a = await side('a.csv');
    const c = a.columns;
    const loss = c.loss.map((x, i) => x + (i % 2 === 0 ? 0.001 : -0.001));
    const s = compareSamples(a, { ...a, name: 'noisy.csv', columns: { ...c, loss } });
    assert.equal(s.mean.withinNoise, true);
    assert.match(s.mean.text, /^The mean loss changed by .* nats \(95% interval -.* to \+.*\): within noise, the interval contains 0\.$/);
    assert.equal(s.correctness?.text, 'noisy.csv fixes 0 samples and breaks 0 samples: the two files are right on the same samples.');
  });

  it('the resamples split into blocks over any number of threads give the replicates of one thread, bit for bit', () => {
    // Two groups of unequal size, weights not all 1, 2,000 resamples: 32 blocks, the last of 16.
    const n = 1001;
    const d = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 0.7 + (i % 7) / 10);
    const weighted = { d, w: Float64Array.from({ length: n }, (_, i) => 1 + (i % 3)), start: [0, 400, n], unitWeights: false };
    // Unit weights take a loop of their own: the general loop over weights of 1 gives the same replicates.
    const ones = new Float64Array(n).fill(1);
    assert.deepEqual(poissonBootstrap({ d, w: ones, start: [0, 400, n], unitWeights: true }, { resamples: 200, seed: 3 }), poissonBootstrap({ d, w: ones, start: [0, 400, n], unitWeights: false }, { resamples: 200, seed: 3 }));
    for (const g of [weighted, { d, w: ones, start: [0, 401, n], unitWeights: true }]) {
      const one = poissonBootstrap(g, { resamples: 2000, seed: 3 });
      assert.equal(blockCount(2000), 32);
      for (const cuts of [[0, 16, 32], [0, 1, 31, 32], [0, 5, 6, 20, 32]]) {
        const parts = cuts.slice(1).map((to, i) => poissonBootstrap(g, { resamples: 2000, seed: 3, blocks: { from: cuts[i]!, to } }));
        const joined = joinBootstrap(parts);
        assert.deepEqual(joined.total, one.total);
        assert.deepEqual(joined.groups, one.groups);
      }
      // Each block draws its own counts: no block repeats another's replicates.
      const firsts = new Set(Array.from({ length: 31 }, (_, j) => one.total[j * BLOCK]));
      assert.equal(firsts.size, 31);
    }
  });

  it('a 95% interval covers the true difference in 93-97% of 1000 simulated data sets (n = 300, skewed losses)', () => {
    // Data: loss_A = -log U (a loss's long right tail, mean 1), loss_B = loss_A * exp(mu + sigma Z):
    // the true difference of the means is exp(mu + sigma^2 / 2) - 1.
    const mu = -0.1;
    const sigma = 0.5;
    const truth = Math.exp(mu + (sigma * sigma) / 2) - 1;
    let state = 12345;
    const uniform = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
    };
    const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const n = 300;
    let covered = 0;
    for (let set = 0; set < 1000; set++) {
      const d = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const a = -Math.log(uniform());
        d[i] = a * Math.exp(mu + sigma * normal()) - a;
      }
      const boot = poissonBootstrap({ d, w: new Float64Array(n).fill(1), start: [0, n], unitWeights: true }, { seed: set + 1 });
      const [lo, hi] = percentileInterval(boot.total);
      if (lo <= truth && truth <= hi) covered++;
    }
    assert.ok(covered >= 930 && covered <= 970, `covered ${covered} of 1000`);
  });

  it('leaves out rows read in one file only, and says how many', async () => {
    const a = await side('a.csv');
    const b = await side('b.csv');
    const state = b.columns.state.slice();
    state[4] = 0;
    const s = compareSamples(a, { ...b, columns: { ...b.columns, state } });
    assert.equal(s.leftOut.count, 1);
    assert.deepEqual(s.leftOut.first, { row: 4, lineA: 6, lineB: 6 });
    assert.equal(s.paired, 599);
    assert.equal(a.columns.state[4], ROW_READ);
  });

  describe('sample weights: refused when they differ, under every preset', () => {
    // Three classes, probabilities summing to 1: each row's loss is -ln p_y under both presets
    // (keras's clip at 1e-7 and renormalising change nothing here).
    const labels = [0, 2, 1, 0];
    const probsA = [[0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.25, 0.5, 0.25], [0.6, 0.3, 0.1]];
    const probsB = [[0.8, 0.1, 0.1], [0.2, 0.2, 0.6], [0.4, 0.35, 0.25], [0.5, 0.25, 0.25]];
    const weights = [1, 0.5, 2, 3];
    const dir = mkdtempSync(join(tmpdir(), 'll-cmp-w-'));
    const write = (name: string, probs: number[][], w: number[]) => {
      const rows = labels.map((y, i) => `${y},${probs[i]!.join(',')},${w[i]}`);
      writeFileSync(join(dir, name), ['label,p0,p1,p2,weight', ...rows].join('\n') + '\n');
      return join(dir, name);
    };
    const a = write('a.csv', probsA, weights);
    const b = write('b.csv', probsB, weights);
    const c = write('c.csv', probsB, weights.map((w, i) => (i === 2 ? 0.5 : w)));
    const request = (preset: 'classic' | 'keras') => ({ ...CLASSIC_REQUEST, loss: { ...CLASSIC_REQUEST.loss, preset } });
    const read = async (path: string, preset: 'classic' | 'keras'): Promise<CompareSide> => {
      const col = sampleCollector();
      const analysis = await analyzeFile(path, request(preset), { threads: 1, onEval: col.onEval, onLayout: col.onLayout });
      return compareSide(path.slice(dir.length + 1), analysis, col.result());
    };

    for (const preset of ['classic', 'keras'] as const) {
      it(`${preset}: a weight differing at row 3 (line 4) is refused, naming the row, both lines and both weights`, async () => {
        const [sa, sc] = [await read(a, preset), await read(c, preset)];
        assert.throws(
          () => compareSamples(sa, sc),
          (err: unknown) => {
            assert.ok(err instanceof CompareError);
            assert.equal(err.message, 'The sample weights differ at row 3: 2 on line 4 of a.csv, 0.5 on line 4 of c.csv. The files must hold the same samples, weighted alike.');
            return true;
          },
        );
      });
    }
    it('keras, matched by id: the weights follow their samples, a differing one refused with both lines', async () => {
      const withIds = (name: string, w: number[], order: number[]) => {
        const rows = order.map((i) => `s${i},${labels[i]},${probsA[i]!.join(',')},${w[i]}`);
        writeFileSync(join(dir, name), ['id,label,p0,p1,p2,weight', ...rows].join('\n') + '\n');
        return join(dir, name);
      };
      const x = await read(withIds('x.csv', weights, [0, 1, 2, 3]), 'keras');
      assert.equal(compareSamples(x, await read(withIds('y.csv', weights, [3, 2, 1, 0]), 'keras')).mean.delta, 0);
      const z = await read(withIds('z.csv', weights.map((w, i) => (i === 1 ? 4 : w)), [3, 2, 1, 0]), 'keras');
      assert.throws(() => compareSamples(x, z), {
        message: 'The sample weights differ at row 2: 0.5 on line 3 of x.csv, 4 on line 4 of z.csv. The files must hold the same samples, weighted alike (matched by the id column "id").',
      });
    });

    it('keras, 3,000 rows: weights kept past the collector growing, the first differing at row 2,501 (line 2,502)', async () => {
      const big = (name: string, changed: number) => {
        const rows = Array.from({ length: 3000 }, (_, i) => `${i % 3},0.5,0.25,0.25,${i === changed ? 7 : i >= 1500 ? 2 : 1}`);
        writeFileSync(join(dir, name), ['label,p0,p1,p2,weight', ...rows].join('\n') + '\n');
        return join(dir, name);
      };
      const p = await read(big('p.csv', -1), 'keras');
      assert.equal(p.columns.sampleWeight?.length, 3000);
      const q = await read(big('q.csv', 2500), 'keras');
      assert.throws(() => compareSamples(p, q), { message: /^The sample weights differ at row 2501: 2 on line 2502 of p\.csv, 7 on line 2502 of q\.csv\./ });
    });

    it('keras: equal weights are compared, each mean sum(w l) / N and the delta their difference', async () => {
      const s = compareSamples(await read(a, 'keras'), await read(b, 'keras'));
      const kerasMean = (probs: number[][]) => labels.reduce((t, y, i) => t + weights[i]! * -Math.log(probs[i]![y]!), 0) / labels.length;
      close(s.mean.a, kerasMean(probsA), 1e-12);
      close(s.mean.b, kerasMean(probsB), 1e-12);
      close(s.mean.delta, kerasMean(probsB) - kerasMean(probsA), 1e-12);
      // Not the weighted mean sum(w l) / sum(w) = 6.5 / 4 times that: the keras preset divides by N.
      assert.ok(Math.abs(s.mean.a - (kerasMean(probsA) * 4) / 6.5) > 0.1);
    });
  });
});
