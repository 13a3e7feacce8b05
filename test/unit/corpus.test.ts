/**
 * Issue 12, "Never a silent wrong number": the CLI on a corpus of real-world prediction files,
 * each written by the library call practitioners use (pandas to_csv / to_json, np.savetxt, a Hugging
 * Face Trainer.predict output), against references computed independently by PyTorch and checked
 * against scikit-learn (scripts/corpus/gen_corpus.py; test/fixtures/corpus/README.md lists the files).
 * No Python at test time: the files and test/fixtures/corpus/manifest.json are committed.
 *
 * For every file, with no flags:
 * - unambiguous: exit 0 and the reading the writer meant (count, kind, input, class names, supports)
 *   and the reference mean (1e-9 relative + 1e-12 absolute);
 * - ambiguous (a careful human could not tell from the file alone): either all of that AND a warning
 *   naming the flags that make the reading explicit, or exit 1 with a message naming a line and those
 *   flags.
 * Then, if the entry has flags, again with them: exit 0 and the expected numbers.
 * Exit 0 with a wrong mean is the one outcome that must never happen: it fails as SILENT WRONG NUMBER.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CLI = 'dist/cli.js';
const DIR = 'test/fixtures/corpus';

interface Expect {
  kind: 'ce' | 'bce' | 'multilabel';
  input: 'probs' | 'logits';
  count: number;
  mean: number;
  classNames: string[];
  supports: number[];
}

interface Entry {
  file: string;
  written_by: string;
  why: string;
  ambiguous: boolean;
  flags: string[];
  expect: Expect;
}

interface Manifest {
  generator: string;
  versions: Record<string, string>;
  files: Entry[];
}

interface Report {
  count: number;
  mean: number | string;
  layout: {
    kind: string;
    input: string;
    labelColumn: string | null;
    predictionColumns: string[];
    classNames: string[];
    evidence: string[];
  };
  perClass: { support: number }[];
  warnings: { line: number | null; message: string }[];
}

const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as Manifest;

function run(file: string, flags: string[]) {
  assert.ok(existsSync(CLI), `${CLI} is missing: run node scripts/build.mjs`);
  const r = spawnSync(process.execPath, [CLI, file, '--json', '--no-progress', ...flags], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function meanMatches(got: number | string, ref: number): boolean {
  return typeof got === 'number' && Math.abs(got - ref) <= 1e-9 * Math.abs(ref) + 1e-12;
}

function short(list: unknown[] | undefined, n = 12): string {
  if (list === undefined) return 'undefined';
  const s = list.map((v) => JSON.stringify(v));
  return `[${s.length > n ? [...s.slice(0, n), `... (${s.length} in all)`].join(', ') : s.join(', ')}]`;
}

/** What differs from the expected reading, one line each; empty when all agree. */
function differences(j: Report, e: Expect): string[] {
  const out: string[] = [];
  const supports = j.perClass?.map((c) => c.support);
  if (j.count !== e.count) out.push(`count ${j.count}, expected ${e.count}`);
  if (j.layout?.kind !== e.kind) out.push(`kind ${j.layout?.kind}, expected ${e.kind}`);
  if (j.layout?.input !== e.input) out.push(`input ${j.layout?.input}, expected ${e.input}`);
  if (JSON.stringify(j.layout?.classNames) !== JSON.stringify(e.classNames)) {
    out.push(`classNames ${short(j.layout?.classNames)}, expected ${short(e.classNames)}`);
  }
  if (JSON.stringify(supports) !== JSON.stringify(e.supports)) out.push(`supports ${short(supports)}, expected ${short(e.supports)}`);
  if (!meanMatches(j.mean, e.mean)) out.push(`mean ${j.mean}, expected ${e.mean}`);
  return out;
}

/** What the CLI printed, for a failure message: its reading, evidence, warnings and stderr. */
function shown(r: ReturnType<typeof run>, j?: Report): string {
  const lines: string[] = [`  exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ''}`];
  if (j !== undefined) {
    lines.push(
      `  layout: kind ${j.layout.kind}, input ${j.layout.input}, label column ${JSON.stringify(j.layout.labelColumn)}, ` +
        `prediction columns ${short(j.layout.predictionColumns, 6)}`,
      `  classNames ${short(j.layout.classNames)}, supports ${short(j.perClass.map((c) => c.support))}, count ${j.count}, mean ${j.mean}`,
      '  evidence:',
      ...j.layout.evidence.map((ev) => `    - ${ev}`),
      `  warnings: ${j.warnings.length === 0 ? 'none' : ''}`,
      ...j.warnings.slice(0, 10).map((w) => `    - ${w.line === null ? '' : `line ${w.line}: `}${w.message}`),
    );
  }
  const err = r.stderr.trim().split('\n').slice(0, 25);
  lines.push(`  stderr: ${r.stderr.trim() === '' ? '(empty)' : ''}`, ...(r.stderr.trim() === '' ? [] : err.map((l) => `    ${l}`)));
  return lines.join('\n');
}

function parse(r: ReturnType<typeof run>, what: string): Report {
  try {
    return JSON.parse(r.stdout) as Report;
  } catch (err) {
    assert.fail(`${what}: exit 0 but stdout is not JSON (${(err as Error).message})\n${shown(r)}`);
  }
}

/** Exit 0 and exactly the expected reading; the failure says SILENT WRONG NUMBER when the mean is off. */
function assertRight(r: ReturnType<typeof run>, e: Entry, what: string): Report {
  if (r.code !== 0) assert.fail(`${what}: refused (exit ${r.code}), expected the reading ${readingOf(e.expect)}\n${shown(r)}`);
  const j = parse(r, what);
  const diff = differences(j, e.expect);
  if (diff.length > 0) {
    const silent = !meanMatches(j.mean, e.expect.mean);
    assert.fail(
      `${silent ? `SILENT WRONG NUMBER: exit 0 with mean ${j.mean}, reference ${e.expect.mean}` : 'wrong reading (the mean is right)'} ` +
        `(${what})\n  ${diff.join('\n  ')}\n${shown(r, j)}`,
    );
  }
  return j;
}

function readingOf(e: Expect): string {
  return `${e.kind} from ${e.input}, ${e.count} samples, classes ${short(e.classNames, 6)}, mean ${e.mean}`;
}

/**
 * The flags as a message may write them: joined by spaces, each value bare or, when a shell needs
 * it, single-quoted (`--label-column 'column 1'`); either spelling counts.
 */
function flagTexts(flags: string[]): string[] {
  const quote = (w: string) => (/^[\w.,:+\-/@=]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);
  return [...new Set([flags.join(' '), flags.map(quote).join(' ')])];
}

function namesALine(stderr: string, file: string): boolean {
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${escaped}:[1-9]\\d*:`).test(stderr) || /\bline [1-9]\d*/.test(stderr);
}

describe('corpus: real-world prediction files against independent references (issue 12)', function () {
  this.timeout(60000);

  it('the manifest lists every file of the corpus, and every listed file exists', () => {
    const listed = manifest.files.map((f) => f.file).sort();
    const onDisk = readdirSync(DIR).filter((f) => f !== 'manifest.json' && f !== 'README.md').sort();
    assert.deepEqual(onDisk, listed);
    assert.ok(manifest.files.length >= 40, `${manifest.files.length} files`);
  });

  for (const e of manifest.files) {
    it(`${e.file}: ${e.why}`, () => {
      const file = join(DIR, e.file);
      const flagsText = e.flags.join(' ');
      const mentions = (text: string) => flagTexts(e.flags).some((f) => text.includes(f));
      const r = run(file, []);
      if (!e.ambiguous) {
        assertRight(r, e, 'no flags');
      } else if (r.code === 0) {
        const j = assertRight(r, e, 'no flags, ambiguous file read without refusing');
        const named = j.warnings.some((w) => mentions(w.message));
        assert.ok(
          named,
          `right, but missing the warning: an ambiguous file read without a warning naming "${flagsText}"\n${shown(r, j)}`,
        );
      } else if (r.code === 1) {
        assert.ok(
          namesALine(r.stderr, file) && mentions(r.stderr),
          `refused an ambiguous file, but the message must name a line (${file}:LINE: or "line N") and "${flagsText}"\n${shown(r)}`,
        );
      } else {
        assert.fail(`ambiguous file: expected exit 0 with a warning or exit 1 naming "${flagsText}"\n${shown(r)}`);
      }
      if (e.flags.length > 0) assertRight(run(file, e.flags), e, `with ${flagsText}`);
    });
  }
});
