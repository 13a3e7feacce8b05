/**
 * `--fail-if` on auc and ap (src/core/gate.ts) against scikit-learn 1.2.1's roc_auc_score and
 * average_precision_score (scripts/fixtures/gen_gate_auc.py; average='macro' for the multi-label
 * file): the gate's value is within its stated bounds of sklearn's, and a threshold inside the
 * bounds fails the gate whichever way the condition points, since the gate cannot decide it.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { analyze } from '../../src/core/analyze';
import { checkGate, gateFailures, parseCondition, undecided, type GateReport } from '../../src/core/gate';
import { bytesSource } from '../../src/core/parse';
import { reportJson } from '../../src/core/report-json';
import { CLASSIC_REQUEST } from './breakdown-helpers';

interface Reference {
  file: string;
  auc: number;
  ap: number;
  labels?: number;
}
const REFS = JSON.parse(readFileSync('test/fixtures/gate/auc.json', 'utf8')) as Record<string, Reference>;

const reportOf = async (file: string): Promise<GateReport> =>
  reportJson(await analyze(bytesSource(file, new Uint8Array(readFileSync(file))), CLASSIC_REQUEST));

describe('gate: auc and ap against scikit-learn', () => {
  for (const [name, ref] of Object.entries(REFS)) {
    it(`${name}: sklearn's AUC and AP lie within the gate's bounds, which are narrow`, async () => {
      const report = await reportOf(ref.file);
      const gate = checkGate([parseCondition('auc<0'), parseCondition('ap<0')], report);
      for (const [r, exact] of [[gate.results[0]!, ref.auc], [gate.results[1]!, ref.ap]] as const) {
        const [low, high] = r.range!;
        assert.ok(low <= exact && exact <= high, `${r.label}: sklearn's ${exact} outside [${low}, ${high}]`);
        assert.ok(low <= r.value && r.value <= high);
        // The fine grid (bce) bounds a value to a few 1e-4, the label grid (multilabel) to a few 1e-3.
        assert.ok(high - low < (ref.labels === undefined ? 5e-3 : 3e-2), `${r.label}: bounds ${high - low} wide`);
        assert.equal(r.note, ref.labels === undefined ? undefined : `macro mean over ${ref.labels} labels`);
        assert.equal(r.failed, false);
      }
    });
  }

  it('fails a threshold inside the bounds whichever way the condition points, and says why', async () => {
    const report = await reportOf(REFS.multilabel!.file);
    const probe = checkGate([parseCondition('auc<0')], report).results[0]!;
    const [low, high] = probe.range!;
    const inside = (low + high) / 2;
    const gate = checkGate([parseCondition(`auc<${inside}`), parseCondition(`auc>=${inside}`), parseCondition(`auc<${low}`), parseCondition(`auc>${high}`), parseCondition(`auc>=${low}`)], report);
    assert.deepEqual(gate.results.map((r) => r.failed), [true, true, false, false, true]);
    assert.deepEqual(gate.results.map(undecided), [true, true, false, false, false]);
    assert.match(gateFailures(gate)[0]!, /^failed: auc < [0-9.]+ \(auc = [0-9.]+ \(macro mean over 3 labels; exact value in \[[0-9.]+, [0-9.]+\]\)\): it may or may not hold within those bounds, and a gate that cannot decide fails$/);
  });

  it('says auc is undefined for a ce file, and for a label without positives', async () => {
    const ce = await reportOf('samples/digits.csv');
    const gate = checkGate([parseCondition('auc<0.9')], ce);
    assert.ok(gate.failed);
    assert.deepEqual(gateFailures(gate), ['failed: auc < 0.9 (auc is undefined: ROC AUC is given for binary and multi-label files only, so the condition cannot be checked)']);
    const curve = { name: 'a', auc: 0.9, aucError: 0, ap: 0.8, apRange: [0.8, 0.8] };
    const noPositives: GateReport = { ...ce, operatingPoints: { curves: [curve, { ...curve, name: 'rare', ap: NaN, apRange: [NaN, NaN] }] } };
    assert.deepEqual(gateFailures(checkGate([parseCondition('ap<0.5'), parseCondition('auc<0.5')], noPositives)), [
      `failed: ap < 0.5 (ap is undefined: label "rare" has no positives (the macro mean needs every label's), so the condition cannot be checked)`,
    ]);
  });

  it('through the CLI: --json carries the bounds, and stderr says when the bounds straddle the threshold', () => {
    assert.ok(existsSync('dist/cli.js'), 'dist/cli.js is missing: run npm run build');
    const ml = REFS.multilabel!;
    const r = spawnSync(process.execPath, ['dist/cli.js', ml.file, '--json', '--fail-if', `ap>=${ml.ap}`, '--fail-if', 'auc<0.5'], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    const gate = (JSON.parse(r.stdout) as { gate: { conditions: { field: string; value: number; range: [number, number]; note: string; failed: boolean }[] } }).gate;
    const [ap, auc] = gate.conditions;
    assert.ok(ap!.range[0] <= ml.ap && ml.ap <= ap!.range[1], `sklearn's macro AP ${ml.ap} outside ${ap!.range}`);
    assert.ok(auc!.range[0] <= ml.auc && ml.auc <= auc!.range[1], `sklearn's macro AUC ${ml.auc} outside ${auc!.range}`);
    assert.deepEqual([ap!.note, ap!.failed, auc!.failed], ['macro mean over 3 labels', true, false]);
    assert.match(r.stderr, /^loss-lens: failed: ap >= [0-9.]+ \(ap = [0-9.]+ \(macro mean over 3 labels; exact value in \[[0-9.]+, [0-9.]+\]\)\): it may or may not hold within those bounds, and a gate that cannot decide fails\n$/);
  });
});
