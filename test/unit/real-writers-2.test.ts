/**
 * "Never a silent wrong number", second sweep: a NumPy vector per CSV cell (wrapped, scientific,
 * elided), transformers pipeline(top_k=None) output, a MultiIndex and float_format='%.3f' CSV,
 * torch.save (scripts/fixtures/real-writers-2.py: numpy, pandas, torch; references by PyTorch on
 * the numbers as read back). Same rules per file as test/unit/real-writers.test.ts.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CLI = 'dist/cli.js';
const DIR = 'test/fixtures/real-writers-2';

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
}

interface Report {
  count: number;
  mean: number | string;
  layout: {
    kind: string;
    input: string;
    classNames: string[];
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

describe('more files written by the usual pandas / NumPy / transformers / torch calls (test/fixtures/real-writers-2)', function () {
  this.timeout(60_000);
  before(function () {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run node scripts/build.mjs`);
  });

  it('covers every file in the directory', () => {
    assert.ok(refs.files.length >= 10, String(refs.files.length));
    for (const f of refs.files) assert.ok(existsSync(join(DIR, f.file)), f.file);
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
