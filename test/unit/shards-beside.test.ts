/**
 * A rank read by itself (issue 13 item 5, left over): opened alone in the editor it is read with
 * the layout the files beside it of its name give (their first rows only), and says so; read alone
 * by the CLI (`loss-lens rank1.jsonl --state-out s1.json`, as the Dask recipe runs it) it is refused
 * naming what settles it; states read with different layouts do not merge. Fixtures and PyTorch
 * references: scripts/fixtures/gen_shards_evidence.py. The CLI and worker cases run the bundled
 * dist/cli.js and dist/file-worker.js (`node scripts/build.mjs`).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { besideEntries, layoutBeside, nameFamily } from '../../src/node/beside';
import { runInWorker } from '../../src/node/analyze-in-worker';
import { buildIndex } from '../../src/extension/explain/document-index';
import { besideTitle } from '../../src/extension/explain/codelens-content';
import type { WorkerJob } from '../../src/node/file-worker';
import { createJobHandler, type WebWorkerMessage } from '../../src/web/job';
import { CLASSIC_REQUEST } from './breakdown-helpers';

const ROOT = 'test/fixtures/shards-evidence';
const CLI = 'dist/cli.js';

interface Alone { mean: number; count: number }
const expected = JSON.parse(readFileSync(join(ROOT, 'expected.json'), 'utf8')) as Record<string, { mean: number; count: number; rank1_alone?: Alone }>;

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

const close = (actual: number, ref: number, what: string) => assert.ok(Math.abs(actual - ref) <= 1e-9, `${what}: ${actual} vs torch ${ref}`);

describe('a rank read by itself: the files beside it of its name', function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'll-beside-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('the files beside it: those of its name but for its numbers, in natural order, it among them', async () => {
    assert.equal(nameFamily('predictions_rank10.jsonl'), 'predictions_rank#.jsonl');
    assert.equal(nameFamily('data-00001-of-00002.arrow'), 'data-#-of-#.arrow');
    const dir = join(tmp, 'family');
    mkdirSync(dir);
    for (const n of ['rank10.jsonl', 'rank2.jsonl', 'rank1.jsonl', 'summary.jsonl', 'rank1.csv', 'notes.txt']) writeFileSync(join(dir, n), '{}\n');
    assert.deepEqual((await besideEntries(join(dir, 'rank2.jsonl'), 'family/rank2.jsonl')).map((e) => e.name), ['family/rank1.jsonl', 'family/rank2.jsonl', 'family/rank10.jsonl']);
    // A name without numbers has no family; nor has a file alone of its name.
    assert.deepEqual(await besideEntries(join(dir, 'summary.jsonl'), 'summary.jsonl'), []);
    assert.deepEqual(await besideEntries(join(dir, 'rank1.csv'), 'rank1.csv'), []);
  });

  it('rank1 of bee and cat beside rank0 of all three: read with rank0\'s layout, said; beside a rank0 of ant and bee: with their pooled first rows\' layout', async () => {
    const a = await layoutBeside(join(ROOT, 'rank1-two-classes', 'rank1.jsonl'), 'ranks/rank1.jsonl', CLASSIC_REQUEST);
    assert.ok(a !== undefined);
    assert.deepEqual(a.layout.classNames, ['ant', 'bee', 'cat']);
    assert.equal(a.layout.input, 'logits');
    assert.match(a.settled, /^read with ranks\/rank0\.jsonl's layout \(3 classes \["ant", "bee", "cat"\], logits\): alone its first rows do not settle it/);
    assert.deepEqual(a.beside, ['rank0.jsonl']);
    assert.equal(besideTitle(a.settled), "Read with ranks/rank0.jsonl's layout");
    const b = await layoutBeside(join(ROOT, 'none-settles', 'rank1.jsonl'), 'none-settles/rank1.jsonl', CLASSIC_REQUEST);
    assert.ok(b !== undefined);
    assert.deepEqual(b.layout.classNames, ['ant', 'bee', 'cat']);
    assert.equal(b.layout.input, 'probs');
    assert.ok(b.layout.assumptions?.some((x) => x.short === 'sorted class order'), 'the sorted order is still said as assumed');
    assert.match(b.settled, /^read with the layout of the set's first rows pooled/);
    // Beside files that settle otherwise (ant, bee, dog): nothing to read it with.
    assert.equal(await layoutBeside(join(ROOT, 'none-settles-four-names', 'rank0.jsonl'), 'rank0.jsonl', CLASSIC_REQUEST), undefined);
  });

  for (const set of ['rank1-two-classes', 'none-settles']) {
    it(`${set}: the editor's read of rank1.jsonl alone (the worker's analysis, the document index) = torch on its rows = the CLI's with --class-names`, async () => {
      const ref = expected[set]!.rank1_alone!;
      const path = resolve(ROOT, set, 'rank1.jsonl');
      const r = await runInWorker({ op: 'analyze', file: { path, name: `${set}/rank1.jsonl`, request: CLASSIC_REQUEST } }, { workerScript: resolve('dist/file-worker.js') });
      assert.ok(r.op === 'analyze');
      close(r.analysis.breakdown.mean, ref.mean, `${set} worker`);
      assert.equal(r.analysis.breakdown.count, ref.count);
      assert.match(r.analysis.warnings[0]!.message, /^read with /);
      const beside = await layoutBeside(path, `${set}/rank1.jsonl`, CLASSIC_REQUEST);
      const { index } = await buildIndex(readFileSync(path, 'utf8'), path, CLASSIC_REQUEST, { layout: beside!.layout });
      close(index.analysis!.breakdown.mean, ref.mean, `${set} document index`);
      const c = cli(path, '--class-names', 'ant,bee,cat', '--json', '--no-progress');
      assert.equal(c.status, 0, c.stderr);
      close((JSON.parse(c.stdout) as { mean: number }).mean, ref.mean, `${set} CLI --class-names`);
    });
  }

  it('the browser build: the worker finds the layout from the files the host lists beside it, and reads the file with it (mean = torch)', async () => {
    const set = 'none-settles';
    const names = ['rank0.jsonl', 'rank1.jsonl'];
    const shards = names.map((n) => ({ path: `memory:/${set}/${n}`, name: `${set}/${n}` }));
    const files = Object.fromEntries(shards.map((f, i) => [f.path, Uint8Array.prototype.slice.call(readFileSync(join(ROOT, set, names[i]!))).buffer as ArrayBuffer]));
    const post = async (job: WorkerJob) => {
      const posted: WebWorkerMessage[] = [];
      await createJobHandler((m) => posted.push(m), () => 0)({ type: 'job', job, files: { ...files } });
      const last = posted.at(-1);
      assert.ok(last?.type === 'done', JSON.stringify(last));
      return last.result;
    };
    const rank1 = shards[1]!;
    const found = await post({ op: 'layoutBeside', path: rank1.path, name: rank1.name, request: CLASSIC_REQUEST, shards });
    assert.ok(found.op === 'layoutBeside' && found.beside !== null);
    assert.deepEqual(found.beside.layout.classNames, ['ant', 'bee', 'cat']);
    assert.match(found.beside.settled, /^read with the layout of the set's first rows pooled/);
    const read = await post({ op: 'analyze', file: { path: rank1.path, name: rank1.name, request: CLASSIC_REQUEST, layout: found.beside.layout } });
    assert.ok(read.op === 'analyze');
    close(read.analysis.breakdown.mean, expected[set]!.rank1_alone!.mean, 'web worker');
    // Alone of its name (the host lists nothing beside it): nothing found.
    const none = await post({ op: 'layoutBeside', path: rank1.path, name: rank1.name, request: CLASSIC_REQUEST, shards: [] });
    assert.ok(none.op === 'layoutBeside' && none.beside === null);
  });

  it('the CLI on rank1 alone with --state-out (a Dask worker\'s run) refuses, naming the folder and the class names in order; no state written', () => {
    const out = join(tmp, 's1.json');
    const r = cli(join(ROOT, 'none-settles', 'rank1.jsonl'), '--state-out', out);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /rank1\.jsonl:1: labels are class names but the 3 prediction columns do not name classes, and the first 256 rows use 2 names \(bee, cat\)/);
    assert.match(r.stderr, /Read with the files beside it of its name \(rank0\.jsonl\), as the folder is read as one data set, it is settled: 3 classes ant, bee, cat \(their sorted order, assumed\), probs\. Read the folder \(loss-lens .*none-settles\/\), or give --class-names ant,bee,cat \(the class names in the order of the score columns\)/);
    assert.ok(!existsSync(out));
    // Alone in its folder, the refusal is as it was.
    const lone = join(tmp, 'lone');
    mkdirSync(lone);
    copyFileSync(join(ROOT, 'none-settles', 'rank1.jsonl'), join(lone, 'rank1.jsonl'));
    const l = cli(join(lone, 'rank1.jsonl'));
    assert.equal(l.status, 1);
    assert.match(l.stderr, /--class-names NAME1,NAME2,\.\.\.\n$/);
  });

  it('the Dask recipe over ranks none of which settles alone: a worker\'s run refuses naming --class-names ant,bee,cat; given them after --, the merge = torch', function () {
    const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import distributed'], { encoding: 'utf8' }).status === 0);
    if (python === undefined) {
      console.log('    Dask case SKIPPED: no python3 here imports distributed (apt-get install -y python3-distributed)');
      this.skip();
    }
    this.timeout(180_000);
    const ranks = ['rank0', 'rank1'].map((r) => join(ROOT, 'none-settles', `${r}.jsonl`));
    const refused = spawnSync(python, ['scripts/dask/run_shards.py', ...ranks], { encoding: 'utf8' });
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /rank\d\.jsonl:1: labels are class names[\s\S]*Read the folder \(loss-lens .*none-settles\/\), or give --class-names ant,bee,cat/);
    const run = spawnSync(python, ['scripts/dask/run_shards.py', '--json', ...ranks, '--', '--class-names', 'ant,bee,cat'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    close((JSON.parse(run.stdout) as { mean: number }).mean, expected['none-settles']!.mean, 'Dask merge');
  });

  it('each rank read apart with the class names given, merged: the folder\'s mean = torch; read with other names, the merge refuses saying how', () => {
    const states = ['rank0', 'rank1'].map((r) => {
      const out = join(tmp, `${r}.json`);
      const x = cli(join(ROOT, 'none-settles', `${r}.jsonl`), '--class-names', 'ant,bee,cat', '--state-out', out, '--no-progress');
      assert.equal(x.status, 0, x.stderr);
      return out;
    });
    const m = cli('merge', ...states, '--json');
    assert.equal(m.status, 0, m.stderr);
    const merged = JSON.parse(m.stdout) as { mean: number; count: number };
    close(merged.mean, expected['none-settles']!.mean, 'merged');
    assert.equal(merged.count, expected['none-settles']!.count);
    const other = join(tmp, 'rank1-other.json');
    assert.equal(cli(join(ROOT, 'none-settles', 'rank1.jsonl'), '--class-names', 'bee,cat,ant', '--state-out', other, '--no-progress').status, 0);
    const bad = cli('merge', states[0]!, other);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /hold files of different layouts \(class names \["ant", "bee", "cat"\] vs \["bee", "cat", "ant"\]\): only the shards of one data set merge\. If they are one data set whose shards were read differently .*read every shard with the same flags \(--class-names in the order of the score columns, --input\), or the shards together in one run/);
  });
});
