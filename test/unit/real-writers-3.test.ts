/**
 * "Never a silent wrong number", third sweep: transformers' LABEL_0..LABEL_11 (pipeline output and
 * the CSV made of it) beside class ids, pipeline names beside class ids, European-locale CSV
 * (Excel, BOM, decimal commas quoted in a comma file, R's write.csv2), R's write.csv and
 * write.table, np.savetxt defaults as .csv/.tsv, %.3f rows, Keras (N, 1) outputs, boolean and
 * float labels (scripts/fixtures/real-writers-3.py: numpy, pandas, torch, sklearn, R; references
 * by PyTorch on the numbers as read back). Same rules per file as test/unit/real-writers-2.test.ts,
 * plus `note_has`: words the reading's evidence must hold.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CLI = 'dist/cli.js';
const DIR = 'test/fixtures/real-writers-3';

interface Expect {
  kind: 'ce' | 'bce' | 'multilabel';
  input: 'probs' | 'logits';
  classNames: string[];
  count: number;
  mean: number;
}

interface Entry {
  file: string;
  writer: string;
  note: string;
  flags: string[];
  expect?: Expect;
  refuse?: string[];
  assume?: string[];
  note_has?: string[];
}

interface Report {
  count: number;
  mean: number | string;
  layout: {
    kind: string;
    input: string;
    classNames: string[];
    evidence: string[];
    assumptions?: { text: string; flags: string; otherFlags: string }[];
  };
}

const refs = JSON.parse(readFileSync(join(DIR, 'references.json'), 'utf8')) as { files: Entry[] };

function run(file: string, flags: string[]) {
  const r = spawnSync(process.execPath, [CLI, join(DIR, file), '--json', '--no-progress', ...flags], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertReading(r: ReturnType<typeof run>, e: Expect, what: string): Report {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\n${r.stderr}`);
  const j = JSON.parse(r.stdout) as Report;
  assert.deepEqual(
    { kind: j.layout.kind, input: j.layout.input, classNames: j.layout.classNames, count: j.count },
    { kind: e.kind, input: e.input, classNames: e.classNames, count: e.count },
    what,
  );
  assert.equal(typeof j.mean, 'number', `${what}: mean ${j.mean}`);
  const mean = j.mean as number;
  // A wrong mean with exit 0 is the failure this file is about: say so.
  assert.ok(Math.abs(mean - e.mean) <= 1e-9 * Math.abs(e.mean), `${what}: SILENT WRONG NUMBER: mean ${mean}, reference ${e.mean}`);
  return j;
}

describe('files written by transformers, pandas in a European locale, R, NumPy and Keras (test/fixtures/real-writers-3)', function () {
  this.timeout(60_000);
  before(function () {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run node scripts/build.mjs`);
  });

  it('covers every file in the directory', () => {
    assert.ok(refs.files.length >= 23, String(refs.files.length));
    for (const f of refs.files) assert.ok(existsSync(join(DIR, f.file)), f.file);
  });

  it('pipeline output with --class-names that are not its labels: refused, naming them', () => {
    const r = run('pipeline_names_int_labels.jsonl', ['--class-names', 'sadness,joy,love,anger,fear']);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /pipeline_names_int_labels\.jsonl:1: the class names given \(sadness, joy, love, anger, fear\) are not the labels of field "scores" \(anger, fear, joy, love, sadness, surprise\)/);
  });

  for (const f of refs.files) {
    it(`${f.file}: ${f.writer}`, () => {
      const r = run(f.file, []);
      if (f.refuse !== undefined) {
        assert.equal(r.code, 1, `expected a refusal, got exit ${r.code}${r.code === 0 ? ` with mean ${(JSON.parse(r.stdout) as Report).mean}` : ''}\n${r.stderr}`);
        for (const word of f.refuse) assert.ok(r.stderr.includes(word), `the refusal does not say ${JSON.stringify(word)}:\n${r.stderr}`);
        if (f.expect !== undefined) assertReading(run(f.file, f.flags), f.expect, `with ${f.flags.join(' ')}`);
        return;
      }
      const j = assertReading(r, f.expect!, 'no flags');
      for (const words of f.note_has ?? []) assert.ok(j.layout.evidence.some((e) => e.includes(words)), `the evidence does not say ${JSON.stringify(words)}:\n${j.layout.evidence.join('\n')}`);
      const assumptions = j.layout.assumptions ?? [];
      if (f.assume === undefined) {
        assert.deepEqual(assumptions.map((a) => a.text), [], 'an assumption where the file says how to read it');
      } else {
        assert.ok(assumptions.length > 0, 'the reading is an assumption but none is said');
        const flags = assumptions.map((a) => `${a.flags} | ${a.otherFlags}`).join('\n');
        for (const word of f.assume) assert.ok(flags.includes(word), `no assumption offers ${word}:\n${flags}`);
        for (const a of assumptions) assert.notEqual(a.otherFlags, '', `${a.text}: no other reading offered`);
      }
    });
  }
});
