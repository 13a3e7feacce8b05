import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { checkGate, formatGateValue, gateFailures, GateError, parseCondition, type GateReport } from '../../src/core/gate';

function refused(source: string, message: string): void {
  assert.throws(
    () => parseCondition(source),
    (err: unknown) => err instanceof GateError && err.message === message,
    `${source} should be refused with: ${message}`,
  );
}

describe('gate conditions: parsing', () => {
  it('reads a report field, a comparison and a number, with or without spaces', () => {
    const c = parseCondition('mean>0.35');
    assert.deepEqual(c, { source: 'mean>0.35', text: 'mean > 0.35', field: { scope: 'report', name: 'mean' }, op: '>', threshold: 0.35 });
    assert.equal(parseCondition('  accuracy   <=  .9 ').text, 'accuracy <= .9');
    assert.equal(parseCondition('count==899').threshold, 899);
    assert.equal(parseCondition('perplexity != 1e-3').threshold, 0.001);
    assert.equal(parseCondition('mean>=-2').threshold, -2);
    assert.equal(parseCondition('mean == Infinity').threshold, Infinity);
    assert.equal(parseCondition('mean < -inf').threshold, -Infinity);
  });

  it('reads every comparison, the two-character ones first', () => {
    for (const op of ['<', '<=', '>', '>=', '==', '!='] as const) assert.equal(parseCondition(`ece${op}0.1`).op, op);
  });

  it('matches field names whatever their case, and shows them as --json spells them', () => {
    assert.deepEqual(parseCondition('ECE<0.05').field, { scope: 'report', name: 'ece' });
    assert.equal(parseCondition('ADAPTIVEECE<0.05').text, 'adaptiveEce < 0.05');
    assert.equal(parseCondition('class[cat].Recall<0.9').text, 'class[cat].recall < 0.9');
  });

  it('reads a class by name, by index, or by a quoted name holding brackets, quotes or spaces', () => {
    assert.deepEqual(parseCondition('class[cat].recall<0.9').field, { scope: 'class', class: { text: 'cat', quoted: false }, name: 'recall' });
    assert.deepEqual(parseCondition('class[ 3 ].f1 < 0.8').field, { scope: 'class', class: { text: '3', quoted: false }, name: 'f1' });
    assert.deepEqual(parseCondition('class[New York].loss>1').field, { scope: 'class', class: { text: 'New York', quoted: false }, name: 'loss' });
    const quoted = parseCondition('class["a]b"].precision<0.5');
    assert.deepEqual(quoted.field, { scope: 'class', class: { text: 'a]b', quoted: true }, name: 'precision' });
    assert.equal(quoted.text, 'class["a]b"].precision < 0.5');
    assert.deepEqual(parseCondition(`class['it\\'s'].support<10`).field, { scope: 'class', class: { text: "it's", quoted: true }, name: 'support' });
  });

  it('refuses malformed conditions, saying what was expected', () => {
    refused('', '"": expected a condition such as "mean>0.35" or "class[cat].recall<0.9"');
    refused('>0.3', '">0.3": expected a field at the start (mean, accuracy, ece, adaptiveEce, classwiseEce, brier, perplexity, count, auc, ap, class[NAME or index].recall|precision|f1|loss|support|ece)');
    refused('meen>0.3', '"meen>0.3": unknown field "meen"; the fields are mean, accuracy, ece, adaptiveEce, classwiseEce, brier, perplexity, count, auc, ap, class[NAME or index].recall|precision|f1|loss|support|ece');
    refused('mean', '"mean": expected a comparison (<= >= == != < >) after mean');
    refused('mean 0.3', '"mean 0.3": expected a comparison (<= >= == != < >) after mean, found "0.3"');
    refused('mean=0.3', '"mean=0.3": "=" is not a comparison: write == (the comparisons are <= >= == != < >)');
    refused('mean=>0.3', '"mean=>0.3": "=>" is not a comparison: write >=');
    refused('mean>', '"mean>": expected a number after >');
    refused('mean>abc', '"mean>abc": expected a number after >, found "abc"');
    refused('mean>0.3x', '"mean>0.3x": expected a number after >, found "0.3x"');
    refused('mean>0.3 and accuracy<0.9', '"mean>0.3 and accuracy<0.9": expected a number after >, found "0.3 and accuracy<0.9"');
    refused('class[cat.recall<0.9', '"class[cat.recall<0.9": "class[" is not closed by "]"');
    refused('class[].recall<0.9', '"class[].recall<0.9": class[] names no class: give a class name or its index (class[cat], class[3])');
    refused('class["cat].recall<0.9', '"class[\\"cat].recall<0.9": the class name opened by " is not closed');
    refused('class["cat"x].recall<0.9', '"class[\\"cat\\"x].recall<0.9": expected ] after the quoted class name "cat"');
    refused('class[cat]<0.9', '"class[cat]<0.9": expected .recall, .precision, .f1, .loss, .support, .ece after class[cat]');
    refused('class[cat].recal<0.9', '"class[cat].recal<0.9": unknown class field "recal" after class[cat]; a class has recall, precision, f1, loss, support, ece');
    refused('class[cat].<0.9', '"class[cat].<0.9": no class field after class[cat]; a class has recall, precision, f1, loss, support, ece');
    refused('classes[cat].recall<0.9', '"classes[cat].recall<0.9": unknown field "classes"; the fields are mean, accuracy, ece, adaptiveEce, classwiseEce, brier, perplexity, count, auc, ap, class[NAME or index].recall|precision|f1|loss|support|ece');
  });
});

describe('gate values as shown', () => {
  it('keeps 4 significant digits unless rounding would put the value on the threshold or past it', () => {
    assert.equal(formatGateValue(0.27559455519630577, 0.35), '0.2756');
    assert.equal(formatGateValue(0.34996, 0.35), '0.34996');
    assert.equal(formatGateValue(0.35000004, 0.35), '0.35000004');
    assert.equal(formatGateValue(0.35, 0.35), '0.35');
    assert.equal(formatGateValue(899, 900), '899');
    assert.equal(formatGateValue(12345.678, 1), '12345.7');
    assert.equal(formatGateValue(NaN, 1), 'undefined');
    assert.equal(formatGateValue(Infinity, 1), 'Infinity');
  });
});

/** A report of three classes, one never seen (its mean loss undefined), for the rules that need no file. */
const tiny: GateReport = {
  mean: 0.5, accuracy: 0.75, ece: 0.1, adaptiveEce: 0.12, classwiseEce: 0.08, brier: 0.3, perplexity: 1.65, count: 4, operatingPoints: null,
  perClass: [
    { index: 0, name: '1', support: 2, meanLoss: 0.4, precision: 1, recall: 0.5, f1: 2 / 3, ece: 0.1 },
    { index: 1, name: '2', support: 2, meanLoss: 0.6, precision: 0.5, recall: 1, f1: 2 / 3, ece: 0.2 },
    { index: 2, name: '3', support: 0, meanLoss: NaN, precision: 0, recall: NaN, f1: NaN, ece: 0 },
  ],
};

describe('gate evaluation: rules', () => {
  it('takes a number between brackets as a class name first, its index otherwise; a quoted one as a name only', () => {
    // Columns named 1 .. K (R, MATLAB): class[2] is the class named 2, at index 1.
    const byName = checkGate([parseCondition('class[2].recall<0.9')], tiny).results[0]!;
    assert.equal(byName.label, 'class[2].recall');
    assert.equal(byName.value, 1);
    const byIndex = checkGate([parseCondition('class[0].recall<0.9')], tiny).results[0]!;
    assert.equal(byIndex.label, 'class[1].recall');
    assert.equal(byIndex.value, 0.5);
    assert.throws(() => checkGate([parseCondition('class["0"].recall<0.9')], tiny), /no class "0"; the classes are 1, 2, 3 \(or an index from 0 to 2\)/);
  });

  it('names a class in a label as a condition would: quoted when it holds a bracket or a quote', () => {
    const odd: GateReport = { ...tiny, perClass: [{ ...tiny.perClass[0]!, name: 'a]b' }, { ...tiny.perClass[1]!, name: 'c|d' }] };
    const gate = checkGate([parseCondition('class[0].recall>0'), parseCondition('class[c|d].recall>0')], odd);
    assert.deepEqual(gate.results.map((r) => r.label), ['class["a]b"].recall', 'class[c|d].recall']);
  });

  it('fails a condition whose number the report does not have: a gate that cannot check does not pass', () => {
    const gate = checkGate([parseCondition('class[3].loss>1'), parseCondition('class[3].precision>0.5')], tiny);
    assert.deepEqual(gate.results.map((r) => r.failed), [true, false]);
    assert.ok(gate.failed);
    assert.deepEqual(gateFailures(gate), ['failed: class[3].loss > 1 (class[3].loss is undefined, so the condition cannot be checked)']);
  });

  it('lists at most 30 class names in an error', () => {
    const many: GateReport = { ...tiny, perClass: Array.from({ length: 1000 }, (_, i) => ({ ...tiny.perClass[0]!, index: i, name: `c${i}` })) };
    assert.throws(
      () => checkGate([parseCondition('class[dog].f1<0.5')], many),
      (err: unknown) => err instanceof GateError && err.message.endsWith('c28, c29 and 970 more (or an index from 0 to 999)') && err.message.startsWith('"class[dog].f1<0.5": no class "dog"; the classes are c0, c1,'),
    );
  });
});

describe('gate evaluation on the report of samples/digits.csv', () => {
  // The numbers the CLI reports, as a CI job would read them.
  let report: GateReport & { perClass: { name: string }[] };
  before(() => {
    assert.ok(existsSync('dist/cli.js'), 'dist/cli.js is missing: run npm run build');
    const r = spawnSync(process.execPath, ['dist/cli.js', 'samples/digits.csv', '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    report = JSON.parse(r.stdout);
  });

  it('reads each report field as --json gives it', () => {
    for (const name of ['mean', 'accuracy', 'ece', 'adaptiveEce', 'classwiseEce', 'brier', 'perplexity', 'count'] as const) {
      const gate = checkGate([parseCondition(`${name}>=${report[name]}`), parseCondition(`${name}<${report[name]}`)], report);
      assert.deepEqual(gate.results.map((r) => [r.label, r.value, r.failed]), [[name, report[name], true], [name, report[name], false]], name);
    }
  });

  it('reads each class field by name and by index, and names the class in the label', () => {
    const c = report.perClass[3]!;
    assert.equal(c.name, 'three');
    const fields = { recall: c.recall, precision: c.precision, f1: c.f1, loss: c.meanLoss, support: c.support, ece: c.ece };
    for (const [field, expected] of Object.entries(fields)) {
      for (const ref of ['three', '3']) {
        const r = checkGate([parseCondition(`class[${ref}].${field} == ${expected}`)], report).results[0]!;
        assert.deepEqual([r.label, r.value, r.failed], [`class[three].${field}`, expected, true], `${ref}.${field}`);
      }
    }
  });

  it('passes when no condition holds, fails when one does, and says which with the value', () => {
    const mean = report.mean;
    const recall = report.perClass[1]!.recall;
    assert.equal(report.perClass[1]!.name, 'one');
    const pass = checkGate([parseCondition(`mean > ${mean + 0.01}`), parseCondition(`class[one].recall < ${recall - 0.01}`)], report);
    assert.equal(pass.failed, false);
    assert.deepEqual(gateFailures(pass), []);
    const fail = checkGate([parseCondition(`mean > ${mean + 0.01}`), parseCondition('class[one].recall<0.9'), parseCondition('class[1].f1 != 0')], report);
    assert.ok(fail.failed);
    assert.deepEqual(gateFailures(fail), [
      `failed: class[one].recall < 0.9 (class[one].recall = ${formatGateValue(recall, 0.9)})`,
      `failed: class[1].f1 != 0 (class[one].f1 = ${formatGateValue(report.perClass[1]!.f1, 0)})`,
    ]);
    assert.equal(formatGateValue(recall, 0.9), recall.toPrecision(4));
  });

  it('refuses a class the report does not have, naming its classes', () => {
    assert.throws(
      () => checkGate([parseCondition('class[cat].recall<0.9')], report),
      (err: unknown) =>
        err instanceof GateError &&
        err.message === '"class[cat].recall<0.9": no class "cat"; the classes are zero, one, two, three, four, five, six, seven, eight, nine (or an index from 0 to 9)',
    );
    assert.throws(() => checkGate([parseCondition('class[10].recall<0.9')], report), /no class "10"; the classes are zero, .* \(or an index from 0 to 9\)/);
  });
});
