/**
 * Issue 13: the CLI on binary prediction files written by the real writers (np.save, np.savez,
 * np.savez_compressed, safetensors.numpy.save_file, pandas to_parquet, pyarrow write_feather and
 * IPC), against references computed by PyTorch in float64 on the arrays as written
 * (scripts/corpus/gen_binary.py; test/fixtures/binary/README.md lists the files). No Python at
 * test time: the files and the manifest are committed.
 *
 * Each entry reads right with no flags (a pair of .npy files found by name), and again with the
 * pair given by --labels; files holding the same values give the same mean, bit for bit, whatever
 * the format (the CSV among them included).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CLI = 'dist/cli.js';
const DIR = 'test/fixtures/binary';

interface Expect {
  kind?: 'ce' | 'bce' | 'multilabel';
  input?: 'probs' | 'logits';
  count?: number;
  mean?: number;
  classNames?: string[];
  supports?: number[];
  refused?: boolean;
  message_contains?: string;
}

interface Entry {
  files: string[];
  why: string;
  written_by: string;
  expect: Expect;
  same_values_as?: string[];
}

interface Report {
  file: string;
  count: number;
  mean: number;
  layout: { kind: string; input: string; classNames: string[]; evidence: string[] };
  perClass: { support: number }[];
}

const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { files: Entry[] };

function run(args: string[]) {
  assert.ok(existsSync(CLI), `${CLI} is missing: run node scripts/build.mjs`);
  const r = spawnSync(process.execPath, [CLI, ...args, '--json', '--no-progress'], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function reading(args: string[]): Report {
  const r = run(args);
  assert.equal(r.code, 0, `loss-lens ${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
  return JSON.parse(r.stdout) as Report;
}

function check(j: Report, e: Expect, what: string): void {
  const got = { kind: j.layout.kind, input: j.layout.input, count: j.count, classNames: j.layout.classNames, supports: j.perClass.map((c) => c.support) };
  const want = { kind: e.kind, input: e.input, count: e.count, classNames: e.classNames, supports: e.supports };
  assert.deepEqual(got, want, `${what}: the reading\n  evidence: ${j.layout.evidence.join('\n    ')}`);
  const ref = e.mean!;
  assert.ok(Math.abs(j.mean - ref) <= 1e-9 * Math.abs(ref) + 1e-12, `${what}: SILENT WRONG NUMBER: mean ${j.mean}, reference ${ref}`);
}

const means = new Map<string, number>();

describe('binary corpus: NumPy, safetensors, Parquet and Arrow files from the real writers (issue 13)', function () {
  this.timeout(60000);

  for (const e of manifest.files) {
    const [main, labels] = e.files.map((f) => join(DIR, f));
    it(`${e.files.join(' + ')}: ${e.why}`, () => {
      if (e.expect.refused) {
        const r = run([main!]);
        assert.equal(r.code, 1, `expected a refusal (exit 1), got ${r.code}\n${r.stdout}${r.stderr}`);
        assert.ok(r.stderr.includes(e.expect.message_contains!), `the refusal should say "${e.expect.message_contains}":\n${r.stderr}`);
        assert.ok(r.stderr.startsWith(main!), `the refusal names the file: ${r.stderr}`);
        return;
      }
      const found = reading([main!]);
      check(found, e.expect, 'no flags');
      if (labels !== undefined) {
        assert.ok(found.layout.evidence.some((ev) => ev.includes(`${e.files[1]!.split('/').pop()} found beside`)), `the pair is said:\n${found.layout.evidence.join('\n')}`);
        check(reading([main!, '--labels', labels]), e.expect, `--labels ${labels}`);
        // Opened on the labels' half, the pair is read the same way.
        check(reading([labels]), e.expect, `opened on ${labels}`);
      }
      means.set(e.files[0]!, found.mean);
    });
  }

  it('files holding the same values give bit-identical means, whatever the format', () => {
    let compared = 0;
    for (const e of manifest.files) {
      for (const other of e.same_values_as ?? []) {
        const a = means.get(e.files[0]!);
        const b = means.get(other);
        assert.ok(a !== undefined && b !== undefined, `${e.files[0]} and ${other} were both read`);
        assert.equal(a, b, `${e.files[0]} and ${other} hold the same values`);
        compared++;
      }
    }
    assert.ok(compared >= 20, `${compared} pairs compared`);
  });
});
