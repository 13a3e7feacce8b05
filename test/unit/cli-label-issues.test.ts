/** `loss-lens --label-issues`: text, --json and --label-issues-csv on a fixture with known flips (gen_label_issues.py). */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = 'dist/cli.js';
const FIXTURE = 'test/fixtures/label-issues/digits_noise10';
interface Flagged { issueCount: number; bySelfConfidence: number[]; byNormalizedMargin: number[]; suggested: Record<string, number> }
/** The default filter's (prune by noise rate) issues at the top level, the confident-learning filter's beside. */
const ref = JSON.parse(readFileSync(`${FIXTURE}.json`, 'utf8')) as Flagged & { confidentLearning: Flagged };

function run(...args: string[]) {
  assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build`);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('loss-lens --label-issues', () => {
  it('adds the noise rates and the --top issues by self-confidence to the text report', () => {
    const r = run(`${FIXTURE}.csv`, '--label-issues', '--top', '3');
    assert.equal(r.code, 0, r.stderr);
    const section = r.stdout.slice(r.stdout.indexOf('Likely label errors'));
    assert.match(section, new RegExp(`^ {2}${ref.issueCount} of 1,797 rows flagged`, 'm'));
    const rows = section.slice(section.indexOf('The 3 most likely')).split('\n').filter((l) => /^ {2}[123] +\d/.test(l)).map((l) => l.trim().split(/ +/).map(Number));
    assert.deepEqual(rows.map(([, row, line, , suggested]) => [row, line, suggested]), ref.bySelfConfidence.slice(0, 3).map((row) => [row, row + 2, ref.suggested[String(row)]]));
  });

  it('writes every listed issue as CSV in the asked ranking, and --json carries both rankings', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'll-issues-')), 'issues.csv');
    const r = run(`${FIXTURE}.csv`, '--json', '--label-issues-rank', 'normalized-margin', '--label-issues-csv', out);
    assert.equal(r.code, 0, r.stderr);
    const found = JSON.parse(r.stdout).diagnostics.results.labelIssues;
    assert.equal(found.issueCount, ref.issueCount);
    assert.deepEqual(found.bySelfConfidence.map((i: { row: number }) => i.row), ref.bySelfConfidence);
    const [header, ...lines] = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(header, 'rank,row,line,given,given_name,suggested,suggested_name,self_confidence,normalized_margin,p_given,p_suggested');
    assert.deepEqual(lines.map((l) => Number(l.split(',')[1])), ref.byNormalizedMargin);
  });

  it('--label-issues-filter confident-learning flags the rows off the joint\'s diagonal instead', () => {
    const r = run(`${FIXTURE}.csv`, '--json', '--label-issues-filter', 'confident-learning');
    assert.equal(r.code, 0, r.stderr);
    const found = JSON.parse(r.stdout).diagnostics.results.labelIssues;
    assert.equal(found.filter, 'confident-learning');
    assert.equal(found.issueCount, ref.confidentLearning.issueCount);
    assert.notEqual(found.issueCount, ref.issueCount);
    assert.deepEqual(found.bySelfConfidence.map((i: { row: number }) => i.row), ref.confidentLearning.bySelfConfidence);
    const bad = run(`${FIXTURE}.csv`, '--label-issues-filter', 'both');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--label-issues-filter must be one of prune-by-noise-rate, confident-learning/);
  });

  it('says why a multi-label file has none, and refuses an unknown ranking', () => {
    const r = run('samples/multilabel.csv', '--label-issues');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /--label-issues: likely label errors need one given class per row: multi-label/);
    const bad = run(`${FIXTURE}.csv`, '--label-issues-rank', 'loss');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--label-issues-rank must be one of self-confidence, normalized-margin/);
  });
});
