/**
 * Shards as distributed evaluation writes them (issue 13 item 5): the data set's evidence shared.
 * A rank whose first rows use 2 of the 3 class names is read with the layout of a rank that
 * settles it (and says so), whichever comes first; contradictions are still refused at their file
 * and line. Also np.savez per rank, accelerate-style preds_rankN.npy + labels_rankN.npy, and a
 * Hugging Face datasets save_to_disk folder. Fixtures and references (PyTorch, float64, on the
 * concatenated arrays as written): scripts/fixtures/gen_shards_evidence.py.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyze, AnalysisError, type Analysis } from '../../src/core/analyze';
import { bytesSource } from '../../src/core/parse/memory-source';
import { readShardsHere, ShardLayoutError, type OpenShard } from '../../src/core/shards';
import { analyzeShards } from '../../src/node/analyze-shards';
import { diagnoseFiles } from '../../src/node/diagnose';
import { shardEntries } from '../../src/node/shard-args';
import type { ShardEntry } from '../../src/node/shard-source';
import type { WorkerJob } from '../../src/node/file-worker';
import { createJobHandler, type WebWorkerMessage } from '../../src/web/job';
import { CLASSIC_REQUEST } from './breakdown-helpers';

const ROOT = 'test/fixtures/shards-evidence';
const workerScript = resolve('dist/worker.js');

interface Expected {
  mean?: number;
  count?: number;
  classNames?: string[];
  settled?: string[];
  refused?: boolean;
  file?: string;
  line?: number;
  message_contains?: string;
}
const expected = JSON.parse(readFileSync(join(ROOT, 'expected.json'), 'utf8')) as Record<string, Expected>;

const folder = async (set: string) => analyzeShards(await shardEntries([join(ROOT, set)]), CLASSIC_REQUEST, { threads: 1, workerScript });

/** The web worker's path: the folder's text files from memory, read by this thread alone. */
function readHere(set: string, names = readdirSync(join(ROOT, set)).sort()): Promise<Analysis> {
  const open: OpenShard = (i, read) => read(bytesSource(names[i]!, readFileSync(join(ROOT, set, names[i]!))), undefined);
  return readShardsHere(names.map((name) => ({ name })), open, CLASSIC_REQUEST);
}

const close = (actual: number, ref: number, what: string) => assert.ok(Math.abs(actual - ref) <= 1e-9, `${what}: ${actual} vs torch ${ref}`);

describe('shards: the data set\'s evidence shared', function () {
  this.timeout(60_000);

  for (const set of ['rank1-two-classes', 'rank0-two-classes']) {
    it(`${set}: the rank whose first rows use 2 of the 3 class names is read with the other's layout, said; mean = torch`, async () => {
      const e = expected[set]!;
      for (const [how, a] of [['CLI/desktop', (await folder(set)).analysis], ['web worker', await readHere(set)]] as const) {
        close(a.breakdown.mean, e.mean!, `${set} (${how})`);
        assert.equal(a.breakdown.count, e.count);
        assert.deepEqual(a.layout.classNames, e.classNames);
        // Never weaker: the sorted order is still an assumption, said in every report.
        assert.ok(a.layout.assumptions?.some((x) => x.short === 'sorted class order'), `${how}: the assumption is kept`);
        const said = a.warnings.filter((w) => w.message.startsWith('read with '));
        assert.deepEqual(said.map((w) => w.file!.split('/').pop()), e.settled, `${how}: ${JSON.stringify(a.warnings)}`);
        assert.match(said[0]!.message, /3 classes \["ant", "bee", "cat"\].*use 2 names \(/);
      }
    });
  }

  it('input-assumed: a rank that alone assumed probabilities (values in [0, 1]) is read as logits where another rank\'s values decide; mean = torch', async () => {
    const e = expected['input-assumed']!;
    for (const [how, a] of [['CLI/desktop', (await folder('input-assumed')).analysis], ['web worker', await readHere('input-assumed')]] as const) {
      close(a.breakdown.mean, e.mean!, `input-assumed (${how})`);
      assert.equal(a.layout.input, 'logits');
      assert.equal(a.layout.assumptions, undefined, `${how}: the other rank's values decide, nothing is assumed`);
      const said = a.warnings.filter((w) => w.message.startsWith('read with '));
      assert.deepEqual(said.map((w) => w.file!.split('/').pop()), e.settled);
      assert.match(said[0]!.message, /logits\): alone its first rows do not settle it \(values in \[0, 1\] but 20 of the first 20 rows do not sum to 1/);
    }
  });

  it('binary-one-label: a rank with only "malignant" takes the classes of a rank with both, the positive class still said as assumed; mean = torch', async () => {
    const e = expected['binary-one-label']!;
    for (const [how, a] of [['CLI/desktop', (await folder('binary-one-label')).analysis], ['web worker', await readHere('binary-one-label')]] as const) {
      close(a.breakdown.mean, e.mean!, `binary-one-label (${how})`);
      assert.equal(a.breakdown.count, e.count);
      assert.deepEqual(a.layout.classNames, e.classNames);
      assert.ok(a.layout.assumptions?.some((x) => x.short === 'P(malignant)'), `${how}: the positive class is still assumed`);
      assert.deepEqual(a.warnings.filter((w) => w.message.startsWith('read with ')).map((w) => w.file!.split('/').pop()), e.settled);
    }
  });

  it('the result does not depend on which file comes first', async () => {
    const dir = join(ROOT, 'rank1-two-classes');
    const entries = (names: string[]): ShardEntry[] => names.map((n) => ({ path: join(dir, n), name: n }));
    const a = (await analyzeShards(entries(['rank0.jsonl', 'rank1.jsonl']), CLASSIC_REQUEST, { threads: 1 })).analysis;
    const b = (await analyzeShards(entries(['rank1.jsonl', 'rank0.jsonl']), CLASSIC_REQUEST, { threads: 1 })).analysis;
    assert.deepEqual(b.layout.classNames, a.layout.classNames);
    close(b.breakdown.mean, expected['rank1-two-classes']!.mean!, 'rank1 first');
    assert.deepEqual(b.breakdown.confusion, a.breakdown.confusion);
    // The first file's layout is the report's: its evidence says whose layout it was read with.
    assert.ok(b.layout.evidence.some((x) => x.startsWith("rank1.jsonl read with rank0.jsonl's layout")), b.layout.evidence.join('\n'));
  });

  it('alone, the rank is still refused (asking for --class-names)', async () => {
    const dir = join(ROOT, 'rank1-two-classes');
    await assert.rejects(analyzeShards([{ path: join(dir, 'rank1.jsonl'), name: 'rank1.jsonl' }], CLASSIC_REQUEST, { threads: 1 }), (err: unknown) => {
      assert.ok(err instanceof AnalysisError);
      assert.match(err.message, /use 2 names \(bee, cat\).*--class-names/);
      return true;
    });
  });

  it('a label outside the shared classes is an error on its file and line', async () => {
    const e = expected['label-outside']!;
    for (const run of [() => folder('label-outside'), () => readHere('label-outside')]) {
      await assert.rejects(run(), (err: unknown) => {
        assert.ok(err instanceof AnalysisError, String(err));
        const p = err.problems[0]!;
        assert.equal(p.file?.split('/').pop(), e.file);
        assert.equal(p.line, e.line);
        assert.ok(p.message.includes(e.message_contains!), p.message);
        return true;
      });
    }
  });

  it('rows contradicting the sorted order taken from another rank are refused at their file', async () => {
    const e = expected['order-contradicted']!;
    for (const run of [() => folder('order-contradicted'), () => readHere('order-contradicted')]) {
      await assert.rejects(run(), (err: unknown) => {
        assert.ok(err instanceof AnalysisError, String(err));
        assert.equal(err.file.split('/').pop(), e.file);
        assert.equal(err.problems[0]!.line, e.line);
        assert.ok(err.message.includes(e.message_contains!), err.message);
        assert.match(err.message, /--class-names cat,ant,bee/);
        return true;
      });
    }
  });

  it('ranks that settle alone on different class sets are refused, naming the file', async () => {
    await assert.rejects(folder('other-classes'), (err: unknown) => {
      assert.ok(err instanceof ShardLayoutError, String(err));
      assert.equal(err.file.split('/').pop(), 'rank1.jsonl');
      assert.match(err.difference, /class names \["ant", "bee", "cat"\] vs \["ant", "bee", "dog"\]/);
      return true;
    });
  });

  it('diagnostics read the set again with the shared layout (a temperature fitted over both ranks)', async () => {
    const entries = await shardEntries([join(ROOT, 'rank1-two-classes')]);
    const { analysis } = await analyzeShards(entries, CLASSIC_REQUEST, { threads: 1 });
    const t = (await diagnoseFiles(analysis, CLASSIC_REQUEST, entries, ['temperature'])).results.temperature;
    assert.ok(t !== undefined);
    assert.equal(t.rows, 600);
    close(t.before.loss, expected['rank1-two-classes']!.mean!, 'the loss before scaling');
  });

  it('the browser build\'s worker job: the folder (as the host lists it) analysed, then diagnosed, with the shared layout', async () => {
    const dir = join(ROOT, 'rank1-two-classes');
    const shards = ['rank0.jsonl', 'rank1.jsonl'].map((n) => ({ path: `memory:/${n}`, name: `rank1-two-classes/${n}` }));
    const files = Object.fromEntries(shards.map((f, i) => [f.path, Uint8Array.prototype.slice.call(readFileSync(join(dir, ['rank0.jsonl', 'rank1.jsonl'][i]!))).buffer as ArrayBuffer]));
    const post = async (job: WorkerJob) => {
      const posted: WebWorkerMessage[] = [];
      await createJobHandler((m) => posted.push(m), () => 0)({ type: 'job', job, files: { ...files } });
      const last = posted.at(-1);
      assert.ok(last?.type === 'done', JSON.stringify(last));
      return last.result;
    };
    const file = { path: 'memory:/', name: 'rank1-two-classes', request: CLASSIC_REQUEST, shards };
    const analyzed = await post({ op: 'analyze', file });
    assert.ok(analyzed.op === 'analyze');
    close(analyzed.analysis.breakdown.mean, expected['rank1-two-classes']!.mean!, 'web job');
    assert.ok(analyzed.analysis.warnings.some((w) => w.file === 'rank1-two-classes/rank1.jsonl' && w.message.startsWith("read with rank1-two-classes/rank0.jsonl's layout")));
    const diagnosed = await post({ op: 'diagnose', file, analysis: analyzed.analysis, keys: ['temperature'] });
    assert.ok(diagnosed.op === 'diagnose');
    assert.equal(diagnosed.diagnostics.results.temperature?.rows, 600);
  });

  describe('no rank settles alone: their first rows pooled, as their concatenation is read', () => {
    const set = 'none-settles';
    const e = () => expected[set]!;
    /** The ranks concatenated, read as one file: the reading the set must give. */
    const concatenation = () =>
      analyze(bytesSource('all.jsonl', Buffer.concat(['rank0.jsonl', 'rank1.jsonl'].map((n) => readFileSync(join(ROOT, set, n))))), CLASSIC_REQUEST);

    it('rank0 of ant and bee, rank1 of bee and cat, 3 probability columns: 3 classes in sorted order, said as assumed; mean = torch = the concatenation\'s (CLI/desktop and web)', async () => {
      const one = await concatenation();
      close(one.breakdown.mean, e().mean!, 'the concatenation');
      const oneAssumed = one.layout.assumptions?.find((x) => x.short === 'sorted class order');
      assert.ok(oneAssumed !== undefined, 'the concatenation assumes the sorted order');
      for (const [how, a] of [['CLI/desktop', (await folder(set)).analysis], ['web worker', await readHere(set)]] as const) {
        close(a.breakdown.mean, e().mean!, `${set} (${how})`);
        assert.ok(Math.abs(a.breakdown.mean - one.breakdown.mean) <= 1e-12, `${how}: ${a.breakdown.mean} vs the concatenation's ${one.breakdown.mean}`);
        assert.equal(a.breakdown.count, e().count);
        assert.deepEqual(a.layout.classNames, one.layout.classNames);
        assert.deepEqual(a.layout.classNames, e().classNames);
        assert.equal(a.layout.input, one.layout.input);
        assert.deepEqual(a.breakdown.confusion, one.breakdown.confusion);
        const assumed = a.layout.assumptions?.find((x) => x.short === 'sorted class order');
        assert.ok(assumed !== undefined, `${how}: the same assumption as the concatenation's`);
        assert.deepEqual(assumed.taken, oneAssumed.taken);
        assert.match(assumed.text, /the distinct labels of the files' first rows \(100 of rank0\.jsonl, 256 of rank1\.jsonl\) in sorted order/);
        const said = a.warnings.filter((w) => w.message.startsWith('read with '));
        assert.deepEqual(said.map((w) => w.file!.split('/').pop()), e().settled, `${how}: ${JSON.stringify(a.warnings)}`);
        assert.match(said[0]!.message, /^read with the layout of the set's first rows pooled, as their concatenation is read \(3 classes \["ant", "bee", "cat"\], probs; 100 of rank0\.jsonl, 256 of rank1\.jsonl\): alone its first rows do not settle it \(.*use 2 names \(ant, bee\)\)$/);
        assert.deepEqual(a.files?.map((f) => f.rows), (e() as Expected & { rows: number[] }).rows);
      }
    });

    it('the ranks in the other order: the same classes and mean', async () => {
      const dir = join(ROOT, set);
      const names = ['rank1.jsonl', 'rank0.jsonl'];
      const { analysis } = await analyzeShards(names.map((n) => ({ path: join(dir, n), name: n })), CLASSIC_REQUEST, { threads: 1 });
      assert.deepEqual(analysis.layout.classNames, e().classNames);
      close(analysis.breakdown.mean, e().mean!, 'rank1 first');
    });

    it('a label outside the pooled classes past the first rows is an error on its file and line', async () => {
      const x = expected['none-settles-label-outside']!;
      for (const run of [() => folder('none-settles-label-outside'), () => readHere('none-settles-label-outside')]) {
        await assert.rejects(run(), (err: unknown) => {
          assert.ok(err instanceof AnalysisError, String(err));
          const p = err.problems[0]!;
          assert.equal(p.file?.split('/').pop(), x.file);
          assert.equal(p.line, x.line);
          assert.ok(p.message.includes(x.message_contains!), p.message);
          return true;
        });
      }
    });

    it('first rows that together name more classes than columns: the first rank\'s refusal, saying the pooled rows do not settle it either', async () => {
      const x = expected['none-settles-four-names'] as Expected & { pooled_names: string };
      for (const run of [() => folder('none-settles-four-names'), () => readHere('none-settles-four-names')]) {
        await assert.rejects(run(), (err: unknown) => {
          assert.ok(err instanceof AnalysisError, String(err));
          assert.equal(err.file.split('/').pop(), x.file);
          assert.equal(err.problems[0]!.line, x.line);
          assert.ok(err.message.includes(x.message_contains!), err.message);
          assert.ok(err.message.includes(x.pooled_names), err.message);
          assert.match(err.message, /--class-names/);
          return true;
        });
      }
    });

    it('a rank whose own rows contradict the sorted order the pooled rows assumed is refused at its file and line', async () => {
      const x = expected['none-settles-order']!;
      for (const run of [() => folder('none-settles-order'), () => readHere('none-settles-order')]) {
        await assert.rejects(run(), (err: unknown) => {
          assert.ok(err instanceof AnalysisError, String(err));
          assert.equal(err.file.split('/').pop(), x.file);
          assert.equal(err.problems[0]!.line, x.line);
          assert.ok(err.message.includes(x.message_contains!), err.message);
          assert.match(err.message, /--class-names cat,ant,bee/);
          return true;
        });
      }
    });
  });

  for (const set of ['savez-ranks', 'accelerate-ranks', 'hf-save-to-disk']) {
    it(`${set}: read as one data set, mean = torch on the concatenated arrays`, async () => {
      const e = expected[set] as Expected & { files: number };
      const { analysis } = await folder(set);
      close(analysis.breakdown.mean, e.mean!, set);
      assert.equal(analysis.breakdown.count, e.count);
      assert.equal(analysis.files?.length, e.files);
      assert.equal(analysis.warningCount, 0, JSON.stringify(analysis.warnings));
    });
  }
});
