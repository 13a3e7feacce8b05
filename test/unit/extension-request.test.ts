import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { analyze } from '../../src/core/analyze';
import { fileSource } from '../../src/node/file-source';
import { choicesForReading, defaultWhatIf, requestFor, stableStringify } from '../../src/extension/request';
import { assumptionLenses } from '../../src/extension/explain/codelens-content';
import type { Layout } from '../../src/core/parse';
import { DEFAULT_CONFIG } from '../../src/extension/settings';
import type { WhatIf } from '../../src/shared/protocol';

function cliJson(...args: string[]) {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { value: number; preset: string; options: Record<string, unknown> };
}

describe('what-if -> AnalysisRequest', () => {
  it('starts from the settings and the file choices', () => {
    const w = defaultWhatIf({ ...DEFAULT_CONFIG, defaultPreset: 'keras' }, { kind: 'ce' });
    assert.deepEqual(w, { preset: 'keras', labelSmoothing: 0, classWeights: [], posWeight: null, focalGamma: null, focalAlpha: null, input: null, kind: 'ce' });
    assert.equal(defaultWhatIf(DEFAULT_CONFIG, { preset: 'none' }).preset, 'none');
  });

  it('maps unset what-if values to absent options and keeps the settings', () => {
    const config = { ...DEFAULT_CONFIG, logBase: '2' as const, topK: 3, calibrationBins: 7 };
    const r = requestFor(config, {});
    assert.deepEqual(r, {
      loss: { preset: 'classic', labelSmoothing: 0, classWeights: undefined, posWeight: undefined, focalGamma: undefined, focalAlpha: undefined, reduction: 'mean', base: '2' },
      overrides: {},
      skipInvalid: false,
      topK: 3,
      calibrationBins: 7,
    });
  });

  it('carries every what-if control and lets it override the remembered columns choice', () => {
    const whatIf: WhatIf = { preset: 'pytorch', labelSmoothing: 0.1, classWeights: [1, 2], posWeight: 3, focalGamma: 2, focalAlpha: 0.25, input: 'logits', kind: null };
    const r = requestFor(DEFAULT_CONFIG, { labelColumn: 'y', predColumns: ['a', 'b'], kind: 'ce', input: 'probs' }, whatIf);
    assert.deepEqual(r.loss, { preset: 'pytorch', labelSmoothing: 0.1, classWeights: [1, 2], posWeight: 3, focalGamma: 2, focalAlpha: 0.25, reduction: 'mean', base: 'e' });
    assert.deepEqual(r.overrides, { labelColumn: 'y', predColumns: ['a', 'b'], kind: 'ce', input: 'logits' });
  });

  it('computes what the CLI computes for the same choices (digits.csv)', async () => {
    const source = await fileSource('samples/digits.csv');
    const plain = await analyze(source, requestFor(DEFAULT_CONFIG, {}));
    assert.equal(plain.value, cliJson('samples/digits.csv').value);
    const whatIf: WhatIf = { ...defaultWhatIf(DEFAULT_CONFIG, {}), preset: 'keras', labelSmoothing: 0.1, focalGamma: 2 };
    const tuned = await analyze(source, requestFor(DEFAULT_CONFIG, {}, whatIf));
    assert.equal(tuned.value, cliJson('samples/digits.csv', '--preset', 'keras', '--label-smoothing', '0.1', '--focal-gamma', '2').value);
    assert.notEqual(tuned.value, plain.value);
  });

  it('stableStringify ignores key order and undefined', () => {
    assert.equal(stableStringify({ b: 1, a: { d: undefined, c: [2, { y: 1, x: 2 }] } }), stableStringify({ a: { c: [2, { x: 2, y: 1 }] }, b: 1 }));
    assert.notEqual(stableStringify({ a: [1, 2] }), stableStringify({ a: [2, 1] }));
  });
});

describe('an assumption\'s other reading -> per-file choices', () => {
  it('maps the overrides an assumption offers onto the choices requestFor reads', () => {
    assert.deepEqual(choicesForReading({ input: 'logits' }), { input: 'logits' });
    assert.deepEqual(choicesForReading({ classNames: ['spam', 'ham'] }), { classNames: ['spam', 'ham'] });
    assert.deepEqual(choicesForReading({ kind: 'multilabel' }), { kind: 'multilabel' });
    const r = requestFor(DEFAULT_CONFIG, { classNames: ['spam', 'ham'], skipInvalid: true });
    assert.deepEqual(r.overrides.classNames, ['spam', 'ham']);
    assert.equal(r.skipInvalid, true);
    assert.equal(requestFor(DEFAULT_CONFIG, {}).skipInvalid, false);
  });

  it('leaves names only the user knows to Choose Columns... (no choice made)', () => {
    assert.equal(choicesForReading({ classNames: [] }), undefined);
  });
});

describe('assumption CodeLenses', () => {
  it('say what was assumed (its reasons in the tooltip, in the editor\'s words) and offer the other reading', () => {
    const lenses = assumptionLenses({
      assumptions: [{ text: 'values in [0, 1] but rows do not sum to 1: read as probabilities', short: 'probabilities', taken: { input: 'probs' }, other: { input: 'logits' }, otherLabel: 'read as logits' }],
    } as Layout);
    assert.deepEqual(lenses, [
      {
        title: '$(warning) Assumed probabilities',
        otherTitle: 'Read as logits',
        tooltip: 'Loss Lens assumed: values in [0, 1] but rows do not sum to 1: read as probabilities',
        other: { input: 'logits' },
      },
    ]);
    assert.deepEqual(assumptionLenses({ evidence: [] } as unknown as Layout), []);
  });
});
