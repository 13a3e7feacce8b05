/**
 * The sweeps of files written by real writers (test/unit/real-writers*.test.ts), each a directory
 * of fixtures and its references.json, read by the CLI (`node dist/cli.js FILE --json`). Per
 * file, with no flags, one of:
 * - `expect` alone: exit 0, the reading (kind, input, class names, count) and the mean to 1e-9,
 *   and no assumption: the file says how to read it;
 * - `expect` and `assume`: the same, and an assumption whose flags (this reading's and the
 *   other's) name each of `assume`;
 * - `refuse`: exit 1 and a message holding each of `refuse` (the line, the flag that settles it);
 *   then, with `flags`, exit 0 and `expect`;
 * and `note_has`: words the reading's evidence must hold.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CLI = 'dist/cli.js';

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

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI on a file of `dir` with `--json`. */
export function runOn(dir: string, file: string, flags: string[]): CliRun {
  const r = spawnSync(process.execPath, [CLI, join(dir, file), '--json', '--no-progress', ...flags], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertReading(r: CliRun, e: Expect, what: string): Report {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\n${r.stderr}`);
  const j = JSON.parse(r.stdout) as Report;
  assert.deepEqual(
    { kind: j.layout.kind, input: j.layout.input, classNames: j.layout.classNames, count: j.count },
    { kind: e.kind, input: e.input, classNames: e.classNames, count: e.count },
    what,
  );
  assert.equal(typeof j.mean, 'number', `${what}: mean ${j.mean}`);
  const mean = j.mean as number;
  // A wrong mean with exit 0 is the failure these files are about: say so.
  assert.ok(Math.abs(mean - e.mean) <= 1e-9 * Math.abs(e.mean), `${what}: SILENT WRONG NUMBER: mean ${mean}, reference ${e.mean}`);
  return j;
}

/** Describes the sweep of `dir`: every file listed, at least `minFiles`, each held to its entry; `more` adds tests. */
export function realWritersSweep(title: string, dir: string, minFiles: number, more?: () => void): void {
  const refs = JSON.parse(readFileSync(join(dir, 'references.json'), 'utf8')) as { files: Entry[] };
  const run = (file: string, flags: string[]) => runOn(dir, file, flags);

  describe(title, function () {
    this.timeout(60_000);
    before(function () {
      if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run node scripts/build.mjs`);
    });

    it('covers every file in the directory', () => {
      assert.ok(refs.files.length >= minFiles, String(refs.files.length));
      for (const f of refs.files) assert.ok(existsSync(join(dir, f.file)), f.file);
    });

    more?.();

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
}
