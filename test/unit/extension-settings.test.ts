import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG, readConfig, type LossLensConfig } from '../../src/extension/settings';

describe('extension settings', () => {
  it('has the documented defaults', () => {
    assert.deepEqual(DEFAULT_CONFIG, { defaultPreset: 'classic', logBase: 'e', topK: 10, calibrationBins: 15, liveReload: true, largeFileThresholdMB: 256,
      'codeLens.enabled': true, 'diagnostics.enabled': true, 'hovers.enabled': true, 'extraPasses.autoMaxMillionScores': 5, 'labelIssues.filter': 'pruneByNoiseRate',
    });
  });

  it('takes valid values as they are', () => {
    const raw: LossLensConfig = { ...DEFAULT_CONFIG, defaultPreset: 'pytorch', logBase: '2', topK: 0, calibrationBins: 100, liveReload: false, largeFileThresholdMB: 0,
      'codeLens.enabled': false, 'diagnostics.enabled': false, 'hovers.enabled': false, 'extraPasses.autoMaxMillionScores': 0, 'labelIssues.filter': 'confidentLearning',
    };
    assert.deepEqual(readConfig((k) => raw[k]), raw);
  });

  it('falls back to the default for a value of the wrong type or out of range', () => {
    const raw: Record<string, unknown> = { defaultPreset: 'tensorflow', logBase: 10, topK: -1, calibrationBins: 2.5, liveReload: 'yes', largeFileThresholdMB: '100', 'hovers.enabled': 'no', 'extraPasses.autoMaxMillionScores': -1 };
    assert.deepEqual(readConfig((k) => raw[k]), DEFAULT_CONFIG);
    assert.equal(readConfig((k) => (k === 'topK' ? 1001 : undefined)).topK, 10);
    assert.equal(readConfig((k) => (k === 'calibrationBins' ? 1 : undefined)).calibrationBins, 15);
  });
});
