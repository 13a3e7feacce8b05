/**
 * A run given as a Trainer output directory (issue 15, item 1): results/checkpoint-N/predictions.jsonl,
 * the folder's own files none. The pure choice (shared/run-subfolders.ts) on listings, and the
 * run read by the editor's job (node/run-job.ts) and by `loss-lens run results/` against torch's
 * cross-entropy (scripts/fixtures/gen_run_subfolders.py wrote the fixtures and reference.json).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';
import { runJob } from '../../src/node/run-job';
import { namesGlob, subfolderRun } from '../../src/shared/run-subfolders';

const DIR = 'test/fixtures/run-subfolders';
const reference = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8')) as { files: { name: string; mean: number; accuracy: number; classes: number[] }[] };
const request = requestFor(DEFAULT_CONFIG, {});
const job = (folder: string) => runJob([{ path: join(DIR, folder), name: folder }], request, 10, new AbortController().signal, () => undefined, { threads: 1 });
const checkpoint = (files: string[]) => ({ name: 'checkpoint', files });

describe('a run of a file per subfolder', () => {
  it('globs subfolder names around their digits', () => {
    assert.equal(namesGlob(['checkpoint-500', 'checkpoint-1000', 'checkpoint-1500']), 'checkpoint-*');
    assert.equal(namesGlob(['epoch_1', 'epoch_10', 'epoch_2']), 'epoch_*');
    assert.equal(namesGlob(['run1-eval', 'run22-eval']), 'run*-eval');
    assert.equal(namesGlob(['a', 'b']), '*');
    assert.equal(namesGlob(['checkpoint-500']), 'checkpoint-500');
  });

  it('chooses the one same-named file of each subfolder, in natural order, Trainer files and empty subfolders aside', () => {
    const listing = {
      files: ['README.md', 'config.json', 'model.safetensors', 'all_results.json', 'training_args.bin'],
      folders: [
        { name: 'checkpoint-1000', files: ['predictions.jsonl', 'config.json', 'trainer_state.json', 'model-00001-of-00002.safetensors', 'optimizer.pt'] },
        { name: 'checkpoint-500', files: ['predictions.jsonl', 'config.json', 'model.safetensors'] },
        { name: 'checkpoint-1500', files: ['config.json', 'model.safetensors'] },
        { name: 'runs', files: ['events.out.tfevents.1.host'] },
        { name: '.cache', files: ['x.jsonl'] },
      ],
    };
    assert.deepEqual(subfolderRun('out', listing), {
      kind: 'files',
      files: ['checkpoint-500/predictions.jsonl', 'checkpoint-1000/predictions.jsonl'],
      glob: 'checkpoint-*/predictions.jsonl',
      text: 'out: a file per subfolder: checkpoint-*/predictions.jsonl, in natural order of the subfolders (checkpoint-500 first, checkpoint-1000 last).',
    });
  });

  it('leaves a folder with its own predictions, or none anywhere, to the flat reading', () => {
    assert.equal(subfolderRun('out', { files: ['epoch_1.csv'], folders: [{ ...checkpoint(['predictions.jsonl']) }] }), undefined);
    assert.equal(subfolderRun('out', { files: [], folders: [{ name: 'runs', files: ['events.out.tfevents'] }] }), undefined);
  });

  it('refuses subfolders of different or several files, naming them and the globs to give', () => {
    const mixed = subfolderRun('out', { files: [], folders: [{ name: 'checkpoint-1', files: ['preds.jsonl'] }, { name: 'checkpoint-2', files: ['predictions.jsonl'] }, { name: 'checkpoint-3', files: ['predictions.jsonl'] }] });
    assert.deepEqual(mixed, {
      kind: 'refused',
      why: "out: no file Loss Lens reads of its own, and its subfolders hold differently named files (checkpoint-1/preds.jsonl, checkpoint-2/predictions.jsonl, checkpoint-3/predictions.jsonl); a run reads the same file in each subfolder: give them as a glob, such as 'out/checkpoint-*/predictions.jsonl', 'out/checkpoint-1/preds.jsonl'",
    });
    const several = subfolderRun('out', { files: [], folders: [{ name: 'checkpoint-1', files: ['predictions.jsonl', 'eval.jsonl'] }, { name: 'checkpoint-2', files: ['predictions.jsonl', 'eval.jsonl'] }] });
    assert.equal(several?.kind, 'refused');
    assert.match(several.kind === 'refused' ? several.why : '', /subfolders hold several each \(checkpoint-1\/\{eval\.jsonl, predictions\.jsonl\}, checkpoint-2\/\{eval\.jsonl, predictions\.jsonl\}\); give the files of the run as a glob: 'out\/checkpoint-\*\/eval\.jsonl', 'out\/checkpoint-\*\/predictions\.jsonl'$/);
  });

  it('reads results/ as its checkpoints in the editor: per-file means = torch', async () => {
    const r = (await job('results')).report;
    assert.deepEqual(r.files.map((f) => f.name), reference.files.map((f) => f.name));
    r.files.forEach((f, i) => {
      const ref = reference.files[i]!;
      assert.ok(Math.abs(f.mean - ref.mean) < 1e-9, `${f.name}: mean ${f.mean} vs torch ${ref.mean}`);
      assert.equal(f.accuracy, ref.accuracy);
      f.classes.forEach((c, k) => assert.ok(Math.abs(c.meanLoss - ref.classes[k]!) < 1e-9, `${f.name} class ${k}: ${c.meanLoss} vs torch ${ref.classes[k]}`));
    });
    assert.ok(r.order.endsWith('results: a file per subfolder: checkpoint-*/predictions.jsonl, in natural order of the subfolders (checkpoint-500 first, checkpoint-2000 last).'), r.order);
  });

  it('refuses mixed/ and several/ in the editor, naming the files', async () => {
    await assert.rejects(job('mixed'), /mixed: no file Loss Lens reads of its own, and its subfolders hold differently named files \(checkpoint-1\/preds\.jsonl, checkpoint-2\/predictions\.jsonl\)/);
    await assert.rejects(job('several'), /'several\/checkpoint-\*\/eval\.jsonl', 'several\/checkpoint-\*\/predictions\.jsonl'/);
  });

  it('`loss-lens run results/` reads the same run, and the glob the same means', () => {
    assert.ok(existsSync('dist/cli.js'), 'dist/cli.js is missing: run node scripts/build.mjs');
    const run = (arg: string) => {
      const p = spawnSync(process.execPath, ['dist/cli.js', 'run', arg, '--json', '--no-progress'], { encoding: 'utf8' });
      assert.equal(p.status, 0, p.stderr);
      return JSON.parse(p.stdout) as { files: { name: string; mean: number }[]; order: string };
    };
    const folder = run(`${DIR}/results/`);
    const glob = run(`${DIR}/results/checkpoint-*/predictions.jsonl`);
    assert.deepEqual(folder.files.map((f) => f.mean), glob.files.map((f) => f.mean));
    assert.deepEqual(folder.files.map((f) => f.name), reference.files.map((f) => `${DIR}/${f.name}`));
    folder.files.forEach((f, i) => assert.ok(Math.abs(f.mean - reference.files[i]!.mean) < 1e-9));
    assert.match(folder.order, /results: a file per subfolder: checkpoint-\*\/predictions\.jsonl/);
    const refused = spawnSync(process.execPath, ['dist/cli.js', 'run', `${DIR}/mixed`, '--no-progress'], { encoding: 'utf8' });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /^loss-lens run: test\/fixtures\/run-subfolders\/mixed: no file Loss Lens reads of its own/);
  });
});
