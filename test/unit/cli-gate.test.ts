import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The bundled CLI, as a CI job runs it: build before these tests.
const CLI = 'dist/cli.js';

function run(...args: string[]) {
  assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build`);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface GateJson {
  failed: boolean;
  conditions: { condition: string; field: string; op: string; threshold: number; value: number | null; failed: boolean }[];
}

interface Report {
  mean: number;
  count: number;
  accuracy: number;
  perClass: { name: string; recall: number; f1: number; support: number }[];
  gate?: GateJson;
}

/** A value as the gate shows it away from its threshold: 4 significant digits. */
const shown = (x: number) => String(Number(x.toPrecision(4)));

/** The rows of the first Markdown table after `heading`, as cells. */
function markdownTable(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `no "${heading}" in:\n${markdown}`);
  const first = lines.findIndex((l, i) => i > start && l.startsWith('|'));
  const rows: string[][] = [];
  for (let i = first; i < lines.length && lines[i]!.startsWith('|'); i++) {
    rows.push(lines[i]!.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()));
  }
  assert.match(rows[1]!.join(''), /^[-: ]+$/, 'the second row is the delimiter row');
  return [rows[0]!, ...rows.slice(2)];
}

/** samples/digits.csv in three files under one folder: a data set of shards. */
function digitShards(): string {
  const dir = mkdtempSync(join(tmpdir(), 'll-gate-'));
  const [header, ...rows] = readFileSync('samples/digits.csv', 'utf8').trimEnd().split('\n');
  for (let k = 0; k < 3; k++) writeFileSync(join(dir, `part-${k}.csv`), [header, ...rows.slice(k * 300, (k + 1) * 300)].join('\n') + '\n');
  return dir;
}

describe('loss-lens --fail-if and --format markdown', () => {
  // The numbers the gate is checked against, from the CLI's own report.
  let report: Report;
  before(() => {
    const r = run('samples/digits.csv', '--json');
    assert.equal(r.code, 0, r.stderr);
    report = JSON.parse(r.stdout);
    assert.equal(report.perClass[1]!.name, 'one');
  });
  const recallOne = () => report.perClass[1]!.recall;

  it('exits 0 when no condition holds, with the report on stdout and nothing on stderr', () => {
    const r = run('samples/digits.csv', '--fail-if', `mean>${report.mean + 0.05}`, '--fail-if', `class[one].recall<${recallOne() - 0.05}`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^Loss Lens: samples\/digits\.csv/);
  });

  it('exits 1 when a condition holds, naming each failed condition and its value on stderr', () => {
    const r = run('samples/digits.csv', '--fail-if', `mean>${report.mean - 0.05}`, '--fail-if', 'class[one].recall<0.9', '--fail-if', 'accuracy<0.5', '--fail-if', 'class[1].f1 != 0');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^Loss Lens: samples\/digits\.csv/, 'the report is still written');
    assert.deepEqual(r.stderr.trimEnd().split('\n'), [
      `loss-lens: failed: mean > ${report.mean - 0.05} (mean = ${shown(report.mean)})`,
      `loss-lens: failed: class[one].recall < 0.9 (class[one].recall = ${shown(recallOne())})`,
      `loss-lens: failed: class[1].f1 != 0 (class[one].f1 = ${shown(report.perClass[1]!.f1)})`,
    ]);
  });

  it('exits 2 on a malformed condition or an unknown field, before reading the file, with the fields', () => {
    const field = run('samples/digits.csv', '--fail-if', 'meen>0.3');
    assert.equal(field.code, 2);
    assert.equal(field.stdout, '');
    assert.match(field.stderr, /^loss-lens: --fail-if "meen>0.3": unknown field "meen"; the fields are mean, accuracy, ece, adaptiveEce, classwiseEce, brier, perplexity, count, auc, ap, class\[NAME or index\]\.recall\|precision\|f1\|loss\|support\|ece\n/);
    assert.match(field.stderr, /usage: loss-lens FILE/);
    const op = run('no/such/file.csv', '--fail-if', 'mean=0.3');
    assert.equal(op.code, 2, 'the condition is refused before the file is looked for');
    assert.match(op.stderr, /^loss-lens: --fail-if "mean=0.3": "=" is not a comparison: write ==/);
  });

  it('exits 2 on a class the report does not have, naming its classes, and writes no report', () => {
    const r = run('samples/digits.csv', '--json', '--fail-if', 'mean>0.9', '--fail-if', 'class[cat].recall<0.9');
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'loss-lens: --fail-if "class[cat].recall<0.9": no class "cat"; the classes are zero, one, two, three, four, five, six, seven, eight, nine (or an index from 0 to 9)\n');
  });

  it('adds a gate object to --json: each condition, its value and whether it failed', () => {
    const r = run('samples/digits.csv', '--json', '--fail-if', 'class[3].recall<0.9', '--fail-if', `count!=${report.count}`);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout) as Report;
    assert.equal(j.mean, report.mean, 'the report is the same');
    assert.deepEqual(j.gate, {
      failed: true,
      conditions: [
        { condition: 'class[3].recall < 0.9', field: 'class[three].recall', op: '<', threshold: 0.9, value: report.perClass[3]!.recall, range: null, failed: report.perClass[3]!.recall < 0.9 },
        { condition: `count != ${report.count}`, field: 'count', op: '!=', threshold: report.count, value: report.count, range: null, failed: false },
      ],
    });
    assert.ok(report.perClass[3]!.recall < 0.9, 'the sample has a class under 0.9 recall');
    assert.equal((JSON.parse(run('samples/digits.csv', '--json').stdout) as Report).gate, undefined, 'no gate without conditions');
  });

  it('writes the report as Markdown, the gate first: a table of condition, value and result', () => {
    const r = run('samples/digits.csv', '--format', 'markdown', '--fail-if', `mean>${report.mean + 0.05}`, '--fail-if', 'class[one].recall<0.9');
    assert.equal(r.code, 1);
    assert.ok(r.stdout.startsWith('# Loss Lens gate: failed\n'), r.stdout.slice(0, 200));
    assert.deepEqual(markdownTable(r.stdout, '# Loss Lens gate: failed'), [
      ['fail if', 'value', 'result'],
      [`\`mean > ${report.mean + 0.05}\``, shown(report.mean), 'passed'],
      ['`class[one].recall < 0.9`', shown(recallOne()), 'failed'],
    ]);
    // The rest is Export Report...'s Markdown, whole.
    const gateEnd = r.stdout.indexOf('\n# Loss Lens report: samples/digits.csv\n');
    assert.ok(gateEnd > 0);
    const perClass = markdownTable(r.stdout, '## Per class');
    assert.deepEqual(perClass[0], ['class', 'support', 'mean loss ± 95%', 'share of loss', 'precision (95%)', 'recall (95%)', 'F1', 'ECE']);
    // A recall is written with its Wilson interval: "0.9500 (0.88-0.98)".
    const recallOf = (cell: string | undefined) => Number(cell?.split(' ')[0]);
    assert.deepEqual(perClass.slice(1).map((row) => [row[0], Number(row[1]), recallOf(row[5])]), report.perClass.map((c) => [c.name, c.support, Number(c.recall.toFixed(4))]));
    assert.equal(r.stderr, `loss-lens: failed: class[one].recall < 0.9 (class[one].recall = ${shown(recallOne())})\n`);

    const passed = run('samples/digits.csv', '--format', 'markdown', '--fail-if', 'accuracy<0.5');
    assert.equal(passed.code, 0, passed.stderr);
    assert.deepEqual(markdownTable(passed.stdout, '# Loss Lens gate: passed').slice(1), [['`accuracy < 0.5`', shown(report.accuracy), 'passed']]);
  });

  it('writes Export Report...\'s Markdown as it is without conditions', () => {
    const r = run('samples/digits.csv', '--format', 'markdown');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith('# Loss Lens report: samples/digits.csv\n\n'));
    assert.ok(!r.stdout.includes('gate'));
  });

  it('gates a folder of shards and the merge of their state files on the numbers of the whole', () => {
    const dir = digitShards();
    const folder = run(dir, '--json', '--fail-if', `count!=${report.count}`, '--fail-if', 'class[one].recall<0.9');
    assert.equal(folder.code, 1, folder.stderr);
    const j = JSON.parse(folder.stdout) as Report;
    assert.equal(j.count, report.count);
    assert.deepEqual(j.gate!.conditions.map((c) => [c.field, c.value, c.failed]), [['count', report.count, false], ['class[one].recall', recallOne(), true]]);
    assert.equal(folder.stderr, `loss-lens: failed: class[one].recall < 0.9 (class[one].recall = ${shown(recallOne())})\n`);

    const md = run(dir, '--format', 'markdown', '--fail-if', `mean>=${report.mean + 0.05}`);
    assert.equal(md.code, 0, md.stderr);
    assert.deepEqual(markdownTable(md.stdout, '# Loss Lens gate: passed').slice(1), [[`\`mean >= ${report.mean + 0.05}\``, shown(report.mean), 'passed']]);

    for (const k of [0, 1, 2]) assert.equal(run(join(dir, `part-${k}.csv`), '--state-out', join(dir, `s${k}.json`)).code, 0);
    const states = [0, 1, 2].map((k) => join(dir, `s${k}.json`));
    const merged = run('merge', ...states, '--fail-if', `mean>${report.mean - 0.05}`);
    assert.equal(merged.code, 1);
    assert.equal(merged.stderr, `loss-lens: failed: mean > ${report.mean - 0.05} (mean = ${shown(report.mean)})\n`);
    const unknown = run('merge', ...states, '--fail-if', 'class[ten].f1<0.5', '--state-out', join(dir, 'all.json'));
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no class "ten"; the classes are zero, one, .*, nine \(or an index from 0 to 9\)/);
    assert.ok(!existsSync(join(dir, 'all.json')), 'a usage error writes nothing');
    const bad = run('merge', ...states, '--fail-if', 'mean');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^loss-lens: --fail-if "mean": expected a comparison/);
  });
});
