import { strict as assert } from 'node:assert';
import { parseCliArgs, parseMergeArgs, UsageError, type CliArgs } from '../../src/cli/args';

function parse(...argv: string[]): CliArgs {
  const out = parseCliArgs(argv);
  assert.ok(typeof out === 'object');
  return out;
}

describe('CLI arguments', () => {
  it('defaults to auto inference, the classic preset, mean, nats and a top 10', () => {
    const a = parse('preds.csv');
    assert.equal(a.file, 'preds.csv');
    assert.equal(a.loss, 'auto');
    assert.equal(a.input, 'auto');
    assert.equal(a.preset, 'classic');
    assert.equal(a.reduction, 'mean');
    assert.equal(a.base, 'e');
    assert.equal(a.top, 10);
    assert.equal(a.labelSmoothing, 0);
    assert.equal(a.json, false);
    assert.equal(a.skipInvalid, false);
  });

  it('reads every option of the contract', () => {
    const a = parse('f.jsonl', '--json', '--loss', 'ce', '--input', 'logits', '--preset', 'keras',
      '--label-smoothing', '0.1', '--class-weights', '1,2.5,0.5', '--pos-weight', '3', '--ignore-index', '-100',
      '--focal-gamma', '2', '--focal-alpha', '0.25', '--reduction', 'sum', '--base', '2',
      '--label-column', 'gold', '--pred-columns', 'a, b,c', '--top', '5', '--per-sample', 'out.csv', '--skip-invalid');
    assert.deepEqual(
      { ...a },
      {
        file: 'f.jsonl', files: ['f.jsonl'], json: true, loss: 'ce', input: 'logits', preset: 'keras', labelSmoothing: 0.1,
        classWeights: [1, 2.5, 0.5], posWeight: 3, ignoreIndex: -100, focalGamma: 2, focalAlpha: 0.25,
        reduction: 'sum', base: '2', labelColumn: 'gold', predColumns: ['a', 'b', 'c'], top: 5,
        perSample: 'out.csv', skipInvalid: true, progress: true, explain: undefined, diagnostics: [], format: 'text', failIf: [],
      },
    );
  });

  const bad: [string[], RegExp][] = [
    [[], /expected a FILE/],
    [['a.csv', 'b.csv', '--explain', '3'], /--explain is for one FILE, not 2/],
    [['a.csv', 'b.csv', '--per-sample', 'out.csv'], /--per-sample is for one FILE, not 2/],
    [['a.csv', '--preset', 'tf'], /--preset must be one of classic, pytorch, keras, sklearn, none, not "tf"/],
    [['a.csv', '--label-smoothing', '1'], /--label-smoothing must be in \[0, 1\), not 1/],
    [['a.csv', '--label-smoothing', 'abc'], /--label-smoothing expects a number, not "abc"/],
    [['a.csv', '--class-weights', '1,x'], /--class-weights \(item 2\) expects a number, not "x"/],
    [['a.csv', '--top', '2.5'], /--top must be a whole number >= 0/],
    [['a.csv', '--base', '10'], /--base must be one of e, 2, not "10"/],
    [['a.csv', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['a.csv', '--pred-columns', ','], /--pred-columns: expected a comma-separated list of names/],
    [['a.csv', '--pred-columns', '["a", 1'], /--pred-columns: "\["a", 1" starts with \[ but is not a JSON array/],
    [['a.csv', '--format', 'html'], /--format must be one of text, markdown, json, not "html"/],
    [['a.csv', '--json', '--format', 'markdown'], /--json and --format markdown contradict each other: give one/],
    [['a.csv', '--fail-if', 'mean>0.3', '--fail-if', 'meen>0.3'], /^--fail-if "meen>0.3": unknown field "meen"; the fields are mean, accuracy, /],
    [['a.csv', '--fail-if', 'mean=0.3'], /^--fail-if "mean=0.3": "=" is not a comparison: write ==/],
    [['a.csv', '--explain', '3', '--fail-if', 'mean>1'], /--explain writes one sample's derivation: --fail-if and --format go with the report/],
  ];
  for (const [argv, message] of bad) {
    it(`rejects ${JSON.stringify(argv)} with a usage error`, () => {
      assert.throws(() => parseCliArgs(argv), (err: unknown) => err instanceof UsageError && message.test(err.message));
    });
  }

  it('reads --format and repeated --fail-if conditions, in order', () => {
    const a = parse('a.csv', '--format', 'markdown', '--fail-if', 'mean>0.35', '--fail-if', 'class[cat].recall < 0.9');
    assert.equal(a.format, 'markdown');
    assert.equal(a.json, false);
    assert.deepEqual(a.failIf.map((c) => c.text), ['mean > 0.35', 'class[cat].recall < 0.9']);
    assert.equal(parse('a.csv', '--format', 'json').json, true);
    assert.equal(parse('a.csv', '--json', '--format', 'json').json, true);
  });

  it('gives merge the same --format and --fail-if', () => {
    const m = parseMergeArgs(['a.json', 'b.json', '--format', 'markdown', '--fail-if', 'count!=899']);
    assert.ok(typeof m === 'object');
    assert.deepEqual([m.states, m.format, m.json, m.failIf.map((c) => c.text)], [['a.json', 'b.json'], 'markdown', false, ['count != 899']]);
    assert.throws(() => parseMergeArgs(['a.json', '--fail-if', 'mean<']), (err: unknown) => err instanceof UsageError && err.message === '--fail-if "mean<": expected a number after <');
  });

  it('answers --help and --version', () => {
    assert.equal(parseCliArgs(['--help']), 'help');
    assert.equal(parseCliArgs(['-v']), 'version');
  });
});
