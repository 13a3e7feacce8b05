/** lossLens.labelIssues.filter: read from the settings, and the request it gives the core. */
import assert from 'node:assert/strict';
import { readConfig, type LossLensConfig } from '../../src/extension/settings';
import { requestFor } from '../../src/extension/request';

const config = (filter: unknown) => readConfig((key: keyof LossLensConfig) => (key === 'labelIssues.filter' ? filter : undefined));

describe('lossLens.labelIssues.filter', () => {
  it("defaults to cleanlab's prune by noise rate, which the request leaves to the core's default (cache keys as before)", () => {
    assert.equal(config(undefined)['labelIssues.filter'], 'pruneByNoiseRate');
    assert.equal('labelIssuesFilter' in requestFor(config(undefined), {}), false);
    assert.equal('labelIssuesFilter' in requestFor(config('pruneByNoiseRate'), {}), false);
  });

  it("confidentLearning asks the core for the 'confident-learning' filter; a value it does not know falls back to the default", () => {
    assert.equal(requestFor(config('confidentLearning'), {}).labelIssuesFilter, 'confident-learning');
    assert.equal(config('confident_learning')['labelIssues.filter'], 'pruneByNoiseRate');
    assert.equal(config(1)['labelIssues.filter'], 'pruneByNoiseRate');
  });
});
