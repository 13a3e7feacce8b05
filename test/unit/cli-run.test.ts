/**
 * `loss-lens run` end to end (dist/cli.js): the text and JSON reports of a run, and its exit
 * statuses (1 for files that are not one run, 2 for an option that is not run's).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = 'dist/cli.js';
const DIR = join('test', 'fixtures', 'run');

function cli(...args: string[]) {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run node scripts/build.mjs');
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

describe('loss-lens run', () => {
  const ref = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8')) as { forgetting: Record<string, number>; regions: { counts: Record<string, number> }; rose: { id: string }[] };

  it('a folder: the files in natural order, matching said, the lists and the counts (text)', () => {
    const r = cli('run', join(DIR, 'id'));
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^Run: 10 files in test\/fixtures\/run\/id\/, 300 samples$/);
    assert.match(r.stdout, /natural order of their names/);
    assert.match(r.stdout, /matched by the id column "id"/);
    const files = lines.filter((l) => /^ {2}epoch_\d+\.jsonl /.test(l)).map((l) => l.trim().split(/\s+/)[0]);
    assert.deepEqual(files, Array.from({ length: 10 }, (_, i) => `epoch_${i + 1}.jsonl`));
    assert.match(r.stdout, new RegExp(`sample \\d+ \\(id "${ref.rose[0]!.id}"\\), label "\\d": [\\d.]+ -> [\\d.]+ \\(\\+[\\d.]+\\) at epoch_10\\.jsonl:\\d+`));
    const f = ref.forgetting;
    assert.ok(r.stdout.includes(`Forgotten: ${f.forgotten} samples (${f.events} forgetting events); ${f.unforgettable} learned and never forgotten; ${f.neverLearned} never learned.`));
    const c = ref.regions.counts;
    assert.ok(r.stdout.includes(`Cartography: easy to learn ${c.easy}, ambiguous ${c.ambiguous}, hard to learn ${c.hard}, other ${c.other}`));
  });

  it('a quoted glob, --json: the report as data', () => {
    const r = cli('run', join(DIR, 'order', 'epoch_*.csv'), '--json', '--top', '3');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { matchedBy: string; files: unknown[]; rose: unknown[]; forgetting: Record<string, unknown>; cartography: { counts: Record<string, number> } };
    assert.equal(j.matchedBy, 'order');
    assert.equal(j.files.length, 10);
    assert.equal(j.rose.length, 3);
    assert.equal(j.forgetting.forgotten, ref.forgetting.forgotten);
    assert.deepEqual(j.cartography.counts, ref.regions.counts);
  });

  it('--per-sample OUT.csv: each sample\'s cartography, region and forgetting events, as the reference has them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loss-lens-run-cli-'));
    try {
      const out = join(dir, 'samples.csv');
      const r = cli('run', join(DIR, 'id'), '--per-sample', out);
      assert.equal(r.status, 0, r.stderr);
      const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
      assert.equal(header, 'sample,id,label,line_first_file,confidence,variability,correctness,region,forgetting_events,loss_first,loss_last');
      assert.equal(rows.length, 300);
      const per = (JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8')) as { perSample: Record<string, { label: number; confidence: number; correctness: number; region: string; events: number }> }).perSample;
      for (const row of rows) {
        const c = row.split(',');
        const want = per[c[1]!]!;
        assert.equal(Number(c[2]), want.label);
        assert.ok(Math.abs(Number(c[4]) - want.confidence) <= 1e-12, `${c[1]} confidence`);
        assert.equal(Number(c[6]), want.correctness);
        assert.equal(c[7], want.region);
        assert.equal(Number(c[8]), want.events);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--id-column NAME: matched by it; refused naming the file, its line and its columns when a file lacks it; a repeated id refused with both lines', () => {
    const r = cli('run', join(DIR, 'id'), '--id-column', 'id', '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { matchedBy: string; idColumn: string; forgetting: Record<string, number> };
    assert.equal(j.matchedBy, 'id');
    assert.equal(j.forgetting.forgotten, ref.forgetting.forgotten);
    const missing = cli('run', join(DIR, 'id'), '--id-column', 'sample_id');
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr, 'test/fixtures/run/id/epoch_1.jsonl:1: id column "sample_id" not found; the columns are: id, label, logits\n');
    const dir = mkdtempSync(join(tmpdir(), 'loss-lens-run-dup-'));
    try {
      const lines = (n: number) => readFileSync(join(DIR, 'id', `epoch_${n}.jsonl`), 'utf8').split('\n');
      const two = lines(2);
      two[5] = two[5]!.replace(/"id": "s\d+"/, two[1]!.match(/"id": "s\d+"/)![0]);
      writeFileSync(join(dir, 'epoch_1.jsonl'), lines(1).join('\n'));
      writeFileSync(join(dir, 'epoch_2.jsonl'), two.join('\n'));
      const dup = cli('run', dir);
      assert.equal(dup.status, 1);
      assert.match(dup.stderr, /^loss-lens run: .*epoch_2\.jsonl:6: id "s\d+" again \(first on line 2\): ids must name one sample each\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('one file with a column of epochs is a run; one file without is refused', () => {
    const r = cli('run', join(DIR, 'one_file', 'log.jsonl'), '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { order: string; files: { name: string }[]; forgetting: Record<string, number> };
    assert.match(j.order, /^Epochs are the values of the column "epoch" of .*log\.jsonl, in increasing order \(1, 2, 3, \.\.\., 10\)/);
    assert.equal(j.files.length, 10);
    assert.equal(j.forgetting.forgotten, ref.forgetting.forgotten);
    const one = cli('run', join(DIR, 'order', 'epoch_1.csv'));
    assert.equal(one.status, 1);
    assert.match(one.stderr, /a run is two files or more over the same samples.*only test\/fixtures\/run\/order\/epoch_1\.csv was/);
  });

  it('files that are not one run exit 1 naming the file; an option of one file exits 2', () => {
    const mixed = cli('run', join(DIR, 'order', 'epoch_1.csv'), join(DIR, 'id', 'epoch_2.jsonl'));
    assert.equal(mixed.status, 1);
    // Natural order of the paths: id/epoch_2.jsonl is the first file.
    assert.match(mixed.stderr, /^loss-lens run: test\/fixtures\/run\/order\/epoch_1\.csv: its layout differs from that of test\/fixtures\/run\/id\/epoch_2\.jsonl \(prediction columns \["logits"\] vs \["cat", "dog", "bird", "fish"\]\)/);
    const gate = cli('run', join(DIR, 'order'), '--fail-if', 'mean>1');
    assert.equal(gate.status, 2);
    assert.match(gate.stderr, /--fail-if is not an option of run/);
  });
});
